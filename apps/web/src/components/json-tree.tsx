/** A collapsible tree of a JSON value; the first levels start open. */
export function JsonTree({
  value,
  depth = 0,
  name,
}: {
  value: unknown;
  depth?: number;
  name?: string;
}) {
  const label = name !== undefined ? <span className="json-key">{name}: </span> : null;
  if (value === null || typeof value !== 'object') {
    return (
      <div>
        {label}
        <span>{typeof value === 'string' ? JSON.stringify(value) : String(value)}</span>
      </div>
    );
  }
  const entries = Array.isArray(value)
    ? value.map((item, index) => [String(index), item] as const)
    : Object.entries(value);
  const summary = Array.isArray(value) ? `[${entries.length}]` : `{${entries.length}}`;
  return (
    <details open={depth < 2}>
      <summary>
        {label}
        <span className="muted">{summary}</span>
      </summary>
      {entries.map(([key, item]) => (
        <JsonTree key={key} name={key} value={item} depth={depth + 1} />
      ))}
    </details>
  );
}

/** A JSON tree in its own styled box. */
export function JsonView({ value }: { value: unknown }) {
  return (
    <div className="json-tree">
      <JsonTree value={value} />
    </div>
  );
}
