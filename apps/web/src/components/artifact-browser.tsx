import { useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { api, mlflow } from '../api/client';
import type { FileInfo } from '../api/types';
import { formatBytes } from '../lib/format';
import { useApi } from '../lib/use-api';
import { ArtifactPreview } from './artifact-preview';
import { Async, Empty } from './states';

/** Lists one artifact directory. */
export async function listArtifacts(runId: string, path = ''): Promise<FileInfo[]> {
  const answer = await api.get<{ files?: FileInfo[] }>(`${mlflow}/artifacts/list`, {
    run_id: runId,
    ...(path ? { path } : {}),
  });
  return answer.files ?? [];
}

/** A run's artifact tree (folders load when opened) beside a preview of the chosen file. */
export function ArtifactBrowser({ runId }: { runId: string }) {
  const [params, setParams] = useSearchParams();
  const chosen = params.get('artifact');
  const [sizes, setSizes] = useState<Record<string, number | undefined>>({});
  const choose = (file: FileInfo) => {
    const next = new URLSearchParams(params);
    next.set('artifact', file.path);
    setParams(next, { replace: true });
    setSizes((previous) => ({ ...previous, [file.path]: file.file_size }));
  };
  return (
    <div className="split">
      <div className="panel" style={{ overflow: 'auto' }} role="tree" aria-label="Artifacts">
        <Folder runId={runId} path="" chosen={chosen} onChoose={choose} depth={0} />
      </div>
      <div className="panel" style={{ minWidth: 0 }}>
        {chosen ? (
          <ArtifactPreview
            runId={runId}
            file={{ path: chosen, is_dir: false, file_size: sizes[chosen] }}
          />
        ) : (
          <Empty title="Choose a file">Pick an artifact on the left to preview it.</Empty>
        )}
      </div>
    </div>
  );
}

function Folder({
  runId,
  path,
  chosen,
  onChoose,
  depth,
}: {
  runId: string;
  path: string;
  chosen: string | null;
  onChoose: (file: FileInfo) => void;
  depth: number;
}) {
  const state = useApi(() => listArtifacts(runId, path), [runId, path]);
  const [open, setOpen] = useState<Record<string, boolean>>({});
  // Folders on the way to a deep-linked file start open.
  const isOpen = (path: string) => open[path] ?? Boolean(chosen?.startsWith(`${path}/`));
  return (
    <Async state={state}>
      {(files) =>
        files.length === 0 && depth === 0 ? (
          <Empty title="No artifacts">This run logged no files.</Empty>
        ) : (
          <div>
            {files.map((file) => {
              const name = file.path.split('/').pop();
              return (
                <div key={file.path}>
                  <button
                    type="button"
                    role="treeitem"
                    aria-selected={chosen === file.path}
                    aria-expanded={file.is_dir ? isOpen(file.path) : undefined}
                    className={`tree-item ghost ${chosen === file.path ? 'active' : ''}`}
                    style={{ paddingLeft: 6 + depth * 14, width: '100%', textAlign: 'left' }}
                    onClick={() =>
                      file.is_dir
                        ? setOpen({ ...open, [file.path]: !isOpen(file.path) })
                        : onChoose(file)
                    }
                  >
                    <span aria-hidden="true" className="muted mono" style={{ width: 12 }}>
                      {file.is_dir ? (isOpen(file.path) ? '▾' : '▸') : ''}
                    </span>
                    <span className="grow">{name}</span>
                    <span className="muted">{formatBytes(file.file_size)}</span>
                  </button>
                  {file.is_dir && isOpen(file.path) && (
                    <Folder
                      runId={runId}
                      path={file.path}
                      chosen={chosen}
                      onChoose={onChoose}
                      depth={depth + 1}
                    />
                  )}
                </div>
              );
            })}
          </div>
        )
      }
    </Async>
  );
}
