import {
  type ColumnDef,
  flexRender,
  getCoreRowModel,
  type Row as TableRow,
  useReactTable,
} from '@tanstack/react-table';
import { useVirtualizer } from '@tanstack/react-virtual';
import { type KeyboardEvent, memo, type ReactNode, useRef, useState } from 'react';

/** A column of the grid: TanStack column def plus a fixed width and an optional sort key. */
export type GridColumn<Row> = ColumnDef<Row, unknown> & { size: number; sortKey?: string };

const rowHeight = 33;

/**
 * A virtualised, keyboard-driven table: only visible rows are in the DOM, so 10,000+ rows scroll
 * smoothly. ↑/↓ (or j/k) move, Space selects, Enter opens; header clicks ask for server sorting.
 */
export function DataGrid<Row>({
  rows,
  columns,
  rowId,
  selected,
  onToggle,
  onOpen,
  sort,
  onSort,
  height = 560,
  label,
}: {
  rows: Row[];
  columns: GridColumn<Row>[];
  rowId: (row: Row) => string;
  selected?: ReadonlySet<string>;
  onToggle?: (id: string) => void;
  onOpen?: (row: Row) => void;
  sort?: { key: string; descending: boolean };
  onSort?: (key: string) => void;
  height?: number | string;
  label: string;
}) {
  const table = useReactTable({
    data: rows,
    columns,
    getCoreRowModel: getCoreRowModel(),
    getRowId: rowId,
  });
  const tableRows = table.getRowModel().rows;
  const scrollRef = useRef<HTMLDivElement>(null);
  const [focused, setFocused] = useState(0);
  const virtualizer = useVirtualizer({
    count: tableRows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => rowHeight,
    overscan: 12,
    // Rows render in React's next batch rather than synchronously inside each scroll event, so a
    // fast wheel does not stack renders into one frame.
    useFlushSync: false,
  });
  const width = columns.reduce((sum, column) => sum + column.size, 0);

  const onKeyDown = (event: KeyboardEvent) => {
    const move = (to: number) => {
      const index = Math.max(0, Math.min(tableRows.length - 1, to));
      setFocused(index);
      virtualizer.scrollToIndex(index, { align: 'auto' });
      event.preventDefault();
    };
    const row = tableRows[focused];
    if (event.key === 'ArrowDown' || event.key === 'j') move(focused + 1);
    else if (event.key === 'ArrowUp' || event.key === 'k') move(focused - 1);
    else if (event.key === 'PageDown') move(focused + 15);
    else if (event.key === 'PageUp') move(focused - 15);
    else if (event.key === 'Home') move(0);
    else if (event.key === 'End') move(tableRows.length - 1);
    else if (event.key === ' ' && row && onToggle) {
      onToggle(row.id);
      event.preventDefault();
    } else if (event.key === 'Enter' && row && onOpen) onOpen(row.original);
  };

  return (
    <div
      ref={scrollRef}
      className="grid"
      style={{ height }}
      tabIndex={0}
      role="grid"
      aria-label={label}
      aria-rowcount={tableRows.length}
      onKeyDown={onKeyDown}
    >
      {table.getHeaderGroups().map((group) => (
        <div className="grid-head" role="row" key={group.id} style={{ width }}>
          {group.headers.map((header) => {
            const column = header.column.columnDef as GridColumn<Row>;
            const sorted = column.sortKey && sort?.key === column.sortKey;
            return (
              <div
                key={header.id}
                className="grid-cell"
                role="columnheader"
                aria-sort={sorted ? (sort?.descending ? 'descending' : 'ascending') : undefined}
                style={{ width: column.size }}
                title={typeof column.header === 'string' ? column.header : undefined}
                onClick={() => column.sortKey && onSort?.(column.sortKey)}
              >
                {flexRender(column.header, header.getContext())}
                {sorted ? (sort?.descending ? ' ↓' : ' ↑') : ''}
              </div>
            );
          })}
        </div>
      ))}
      <div style={{ height: virtualizer.getTotalSize(), width, position: 'relative' }}>
        {virtualizer.getVirtualItems().map((item) => {
          const row = tableRows[item.index];
          if (!row) return null;
          return (
            <GridRow
              key={row.id}
              row={row}
              index={item.index}
              start={item.start}
              width={width}
              selected={selected?.has(row.id) ?? false}
              focused={item.index === focused}
              onFocus={setFocused}
              onOpen={onOpen}
              columns={columns}
            />
          );
        })}
      </div>
    </div>
  );
}

interface GridRowProps<Row> {
  row: TableRow<Row>;
  index: number;
  start: number;
  width: number;
  selected: boolean;
  focused: boolean;
  onFocus: (index: number) => void;
  onOpen?: (row: Row) => void;
  /** Not read: a new column set must re-render memoised rows. */
  columns: unknown;
}

/**
 * One row; memoised so scrolling only renders rows that come into view (a row's cells depend on
 * its data, selection and focus, which do not change while scrolling).
 */
const GridRow = memo(function GridRow<Row>({
  row,
  index,
  start,
  width,
  selected,
  focused,
  onFocus,
  onOpen,
}: GridRowProps<Row>) {
  const classes = ['grid-row'];
  if (selected) classes.push('selected');
  if (focused) classes.push('focused');
  return (
    <div
      role="row"
      aria-rowindex={index + 1}
      aria-selected={selected}
      className={classes.join(' ')}
      data-testid="grid-row"
      style={{ transform: `translateY(${start}px)`, height: rowHeight, width }}
      onClick={() => onFocus(index)}
      onDoubleClick={() => onOpen?.(row.original)}
    >
      {row.getVisibleCells().map((cell) => (
        <div
          key={cell.id}
          role="gridcell"
          className="grid-cell"
          style={{ width: (cell.column.columnDef as GridColumn<Row>).size }}
        >
          {flexRender(cell.column.columnDef.cell, cell.getContext())}
        </div>
      ))}
    </div>
  );
}) as <Row>(props: GridRowProps<Row>) => ReactNode;
