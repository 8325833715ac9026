import { useMemo, useState } from 'react';

/** Quotes a key with backticks when the filter grammar needs it (spaces, dashes, dots…). */
function identifier(prefix: string, key: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? `${prefix}.${key}` : `${prefix}.\`${key}\``;
}

/**
 * A filter input in MLflow's search syntax that suggests keys (`metrics.…`, `params.…`,
 * `tags.…`, attributes) for the word being typed. Enter applies; Tab or a click completes.
 */
export function FilterBox({
  value,
  onApply,
  keys,
  placeholder,
}: {
  value: string;
  onApply: (filter: string) => void;
  keys: { metrics: string[]; params: string[]; tags: string[]; attributes: string[] };
  placeholder: string;
}) {
  const [text, setText] = useState(value);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  const [lastValue, setLastValue] = useState(value);
  if (value !== lastValue) {
    // The URL changed under us (back button): show what it now says.
    setLastValue(value);
    setText(value);
  }
  const word = /[^\s()]*$/.exec(text)?.[0] ?? '';
  const suggestions = useMemo(() => {
    if (!word) return [];
    const all = [
      ...keys.attributes.map((key) => `attributes.${key}`),
      ...keys.metrics.map((key) => identifier('metrics', key)),
      ...keys.params.map((key) => identifier('params', key)),
      ...keys.tags.map((key) => identifier('tags', key)),
    ];
    const lower = word.toLowerCase();
    return all.filter((item) => item.toLowerCase().includes(lower) && item !== word).slice(0, 12);
  }, [word, keys]);
  const complete = (item: string) => {
    setText(`${text.slice(0, text.length - word.length)}${item} `);
    setOpen(false);
  };
  const show = open && suggestions.length > 0;
  return (
    <div className="filter-box">
      <input
        value={text}
        placeholder={placeholder}
        aria-label="Filter"
        spellCheck={false}
        role="combobox"
        aria-expanded={show}
        aria-controls="filter-suggestions"
        onChange={(event) => {
          setText(event.target.value);
          setOpen(true);
          setActive(0);
        }}
        onBlur={() => setTimeout(() => setOpen(false), 120)}
        onKeyDown={(event) => {
          if (show && event.key === 'ArrowDown') {
            setActive((active + 1) % suggestions.length);
            event.preventDefault();
          } else if (show && event.key === 'ArrowUp') {
            setActive((active - 1 + suggestions.length) % suggestions.length);
            event.preventDefault();
          } else if (show && event.key === 'Tab') {
            complete(suggestions[active] ?? '');
            event.preventDefault();
          } else if (event.key === 'Enter') {
            setOpen(false);
            onApply(text.trim());
          } else if (event.key === 'Escape') setOpen(false);
        }}
      />
      {show && (
        <ul className="suggestions" id="filter-suggestions" role="listbox">
          {suggestions.map((item, index) => (
            <li
              key={item}
              role="option"
              aria-selected={index === active}
              className={index === active ? 'active' : ''}
              onMouseDown={(event) => {
                event.preventDefault();
                complete(item);
              }}
            >
              {item}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
