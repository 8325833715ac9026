import { useVirtualizer } from '@tanstack/react-virtual';
import { type KeyboardEvent, useRef } from 'react';
import { formatDuration } from '../lib/format';
import type { TreeRow } from '../lib/span-tree';

/**
 * The span tree and its timeline in one virtualised list: indentation shows parentage, bars show
 * when each span ran relative to the trace. ↑/↓ move, ←/→ collapse and expand.
 */
export function Waterfall({
  rows,
  startNs,
  totalNs,
  selected,
  collapsed,
  onSelect,
  onToggle,
}: {
  rows: TreeRow[];
  startNs: bigint;
  totalNs: number;
  selected?: string;
  collapsed: ReadonlySet<string>;
  onSelect: (spanId: string) => void;
  onToggle: (spanId: string) => void;
}) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => 26,
    overscan: 20,
  });
  const index = rows.findIndex((row) => row.span.span_id === selected);
  const onKeyDown = (event: KeyboardEvent) => {
    const row = rows[index];
    const go = (to: number) => {
      const next = rows[Math.max(0, Math.min(rows.length - 1, to))];
      if (next) onSelect(next.span.span_id);
      virtualizer.scrollToIndex(Math.max(0, to), { align: 'auto' });
    };
    if (event.key === 'ArrowDown') go(index + 1);
    else if (event.key === 'ArrowUp') go(index - 1);
    else if (event.key === 'ArrowLeft' && row?.hasChildren && !collapsed.has(row.span.span_id))
      onToggle(row.span.span_id);
    else if (event.key === 'ArrowRight' && row?.hasChildren && collapsed.has(row.span.span_id))
      onToggle(row.span.span_id);
    else return;
    event.preventDefault();
  };
  return (
    <div
      ref={scrollRef}
      className="panel"
      style={{ padding: 0, overflow: 'auto', height: '100%', minHeight: 300 }}
      role="tree"
      aria-label="Spans"
      tabIndex={0}
      onKeyDown={onKeyDown}
    >
      <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
        {virtualizer.getVirtualItems().map((item) => {
          const row = rows[item.index];
          if (!row) return null;
          const { span } = row;
          const offset = Number(BigInt(span.start_time_ns) - startNs);
          const duration = span.end_time_ns
            ? Number(BigInt(span.end_time_ns) - BigInt(span.start_time_ns))
            : 0;
          const left = totalNs > 0 ? (offset / totalNs) * 100 : 0;
          const width = totalNs > 0 ? (duration / totalNs) * 100 : 0;
          return (
            <div
              key={span.span_id}
              role="treeitem"
              aria-level={row.depth + 1}
              aria-selected={selected === span.span_id}
              aria-expanded={row.hasChildren ? !collapsed.has(span.span_id) : undefined}
              data-testid="span-row"
              className={`waterfall-row ${selected === span.span_id ? 'active' : ''}`}
              style={{
                position: 'absolute',
                top: 0,
                left: 0,
                right: 0,
                transform: `translateY(${item.start}px)`,
              }}
              onClick={() => onSelect(span.span_id)}
            >
              <div className="waterfall-name" style={{ paddingLeft: 6 + row.depth * 14 }}>
                <button
                  type="button"
                  className="ghost"
                  style={{
                    padding: 0,
                    width: 16,
                    visibility: row.hasChildren ? 'visible' : 'hidden',
                  }}
                  aria-label={
                    collapsed.has(span.span_id) ? `Expand ${span.name}` : `Collapse ${span.name}`
                  }
                  tabIndex={-1}
                  onClick={(event) => {
                    event.stopPropagation();
                    onToggle(span.span_id);
                  }}
                >
                  {collapsed.has(span.span_id) ? '▸' : '▾'}
                </button>
                <span className="kind-tag">{span.span_type.slice(0, 4)}</span>
                <span>{span.name}</span>
              </div>
              <div className="waterfall-track">
                <div
                  className={`waterfall-bar ${span.status === 'ERROR' ? 'error' : ''}`}
                  style={{ left: `${left}%`, width: `${width}%` }}
                />
              </div>
              <div className="muted" style={{ textAlign: 'right', paddingRight: 8, fontSize: 12 }}>
                {formatDuration(span.duration_ms)}
              </div>
            </div>
          );
        })}
      </div>
    </div>
  );
}
