/** One row of a side-by-side diff: a line on the left, on the right, or both when equal. */
export interface DiffRow {
  left?: string;
  right?: string;
  kind: 'same' | 'removed' | 'added' | 'changed';
}

/**
 * Line diff by longest common subsequence (templates are small, so O(n·m) is fine), paired
 * into side-by-side rows: a removal next to an addition shows as one changed row.
 */
export function sideBySideDiff(before: string, after: string): DiffRow[] {
  const a = before.split('\n');
  const b = after.split('\n');
  const lengths: number[][] = Array.from({ length: a.length + 1 }, () =>
    new Array<number>(b.length + 1).fill(0),
  );
  for (let i = a.length - 1; i >= 0; i--)
    for (let j = b.length - 1; j >= 0; j--) {
      const row = lengths[i] as number[];
      row[j] =
        a[i] === b[j]
          ? (lengths[i + 1]?.[j + 1] ?? 0) + 1
          : Math.max(lengths[i + 1]?.[j] ?? 0, row[j + 1] ?? 0);
    }
  const rows: DiffRow[] = [];
  let removed: string[] = [];
  let added: string[] = [];
  const flush = () => {
    const count = Math.max(removed.length, added.length);
    for (let index = 0; index < count; index++) {
      const left = removed[index];
      const right = added[index];
      rows.push({
        left,
        right,
        kind:
          left !== undefined && right !== undefined
            ? 'changed'
            : left !== undefined
              ? 'removed'
              : 'added',
      });
    }
    removed = [];
    added = [];
  };
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      flush();
      rows.push({ left: a[i], right: b[j], kind: 'same' });
      i++;
      j++;
    } else if (
      j < b.length &&
      (i >= a.length || (lengths[i]?.[j + 1] ?? 0) >= (lengths[i + 1]?.[j] ?? 0))
    ) {
      added.push(b[j] ?? '');
      j++;
    } else {
      removed.push(a[i] ?? '');
      i++;
    }
  }
  flush();
  return rows;
}
