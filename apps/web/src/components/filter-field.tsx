/**
 * A filter text box kept in the URL: it commits its trimmed value on Enter or when it loses
 * focus (not on every keystroke), and its label is its placeholder.
 */
export function FilterField({
  label,
  value,
  width = 130,
  onCommit,
}: {
  label: string;
  value: string;
  width?: number;
  onCommit: (value: string) => void;
}) {
  return (
    <input
      type="search"
      aria-label={label}
      placeholder={label}
      defaultValue={value}
      style={{ width }}
      onKeyDown={(event) => event.key === 'Enter' && onCommit(event.currentTarget.value.trim())}
      onBlur={(event) => onCommit(event.currentTarget.value.trim())}
    />
  );
}
