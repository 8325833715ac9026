import { lazy, Suspense } from 'react';
import { api, artifactUrl } from '../api/client';
import type { FileInfo } from '../api/types';
import { formatBytes } from '../lib/format';
import { useApi } from '../lib/use-api';
import { JsonView } from './json-tree';
import { Async, Empty, Loading } from './states';

const Markdown = lazy(() => import('react-markdown'));
const previewLimit = 2 * 1024 * 1024;
const imageTypes = /\.(png|jpe?g|gif|webp|svg|bmp)$/i;
const textTypes =
  /\.(txt|log|py|ts|js|yaml|yml|toml|cfg|ini|sh|mlmodel|MLmodel|requirements|conda)$/i;

/** True when the start of a text holds control bytes that text files never contain. */
function looksBinary(text: string): boolean {
  for (let index = 0; index < Math.min(text.length, 1000); index++) {
    if (text.charCodeAt(index) < 9) return true;
  }
  return false;
}

/** Parses CSV (quoted fields, escaped quotes) into rows. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let index = 0; index < text.length; index++) {
    const char = text[index];
    if (quoted) {
      if (char === '"' && text[index + 1] === '"') {
        field += '"';
        index++;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      row.push(field);
      field = '';
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && text[index + 1] === '\n') index++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += char;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

/** Previews one artifact by its type: image, JSON tree, Markdown, CSV table, sandboxed HTML, text. */
export function ArtifactPreview({ runId, file }: { runId: string; file: FileInfo }) {
  const url = artifactUrl(runId, file.path);
  const header = (
    <div className="row spread" style={{ marginBottom: 8 }}>
      <strong className="mono">{file.path}</strong>
      <span className="row">
        <span className="muted">{formatBytes(file.file_size)}</span>
        <a href={url} download>
          Download
        </a>
      </span>
    </div>
  );
  if (imageTypes.test(file.path))
    return (
      <div>
        {header}
        <div className="preview">
          <img src={url} alt={file.path} />
        </div>
      </div>
    );
  if (/\.html?$/i.test(file.path))
    return (
      <div>
        {header}
        {/* No allow-scripts / allow-same-origin: artifact HTML can never act as this app. */}
        <iframe className="artifact-frame" sandbox="" src={url} title={file.path} />
      </div>
    );
  if ((file.file_size ?? 0) > previewLimit)
    return (
      <div>
        {header}
        <Empty title="Too large to preview">Download the file to open it.</Empty>
      </div>
    );
  return (
    <div>
      {header}
      <TextPreview runId={runId} path={file.path} />
    </div>
  );
}

function TextPreview({ runId, path }: { runId: string; path: string }) {
  const state = useApi(() => api.text('/get-artifact', { run_id: runId, path }), [runId, path]);
  return (
    <div className="preview panel">
      <Async state={state}>
        {(text) => {
          if (/\.json$/i.test(path)) {
            try {
              return <JsonView value={JSON.parse(text)} />;
            } catch {
              return <pre>{text}</pre>;
            }
          }
          if (/\.md$/i.test(path))
            return (
              <Suspense fallback={<Loading />}>
                <div className="markdown">
                  <Markdown>{text}</Markdown>
                </div>
              </Suspense>
            );
          if (/\.(csv|tsv)$/i.test(path))
            return <CsvTable text={path.endsWith('.tsv') ? text.replaceAll('\t', ',') : text} />;
          if (textTypes.test(path) || !looksBinary(text)) return <pre>{text}</pre>;
          return <Empty title="Binary file">Download it to open it.</Empty>;
        }}
      </Async>
    </div>
  );
}

function CsvTable({ text }: { text: string }) {
  const [head = [], ...rows] = parseCsv(text.trimEnd());
  return (
    <table className="simple">
      <thead>
        <tr>
          {head.map((cell, index) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: CSV headers may repeat.
            <th key={index}>{cell}</th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.slice(0, 1000).map((row, rowIndex) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: rows have no identity.
          <tr key={rowIndex}>
            {row.map((cell, index) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: cells have no identity.
              <td key={index}>{cell}</td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
