import { useState } from 'react';
import { Link, useParams, useSearchParams } from 'react-router-dom';
import { api, cairn } from '../api/client';
import type { PromptVersion } from '../api/types';
import { ConfirmDialog, PromptDialog } from '../components/modal';
import { Async, Empty } from '../components/states';
import { formatCost, formatDuration, formatNumber, formatTime } from '../lib/format';
import { sideBySideDiff } from '../lib/line-diff';
import { promptVersions, setAlias } from '../lib/registry';
import { useApi } from '../lib/use-api';

function templateText(version: PromptVersion | undefined): string {
  if (!version) return '';
  if (typeof version.template === 'string') return version.template;
  return version.template.map((message) => `[${message.role}]\n${message.content}`).join('\n\n');
}

/** A prompt: versions, side-by-side diff of two versions, aliases and A/B test results. */
export default function PromptPage() {
  const { name = '' } = useParams();
  const [params, setParams] = useSearchParams();
  const versions = useApi(() => promptVersions(name), [name]);
  const [moving, setMoving] = useState<{ alias: string; version: string }>();
  const [asking, setAsking] = useState<string>();
  const list = versions.data ?? [];
  const right = params.get('b') ?? list[0]?.version;
  const left = params.get('a') ?? list[1]?.version ?? right;
  const set = (key: string, value: string) =>
    setParams({ ...Object.fromEntries(params), [key]: value }, { replace: true });
  const versionPicker = (key: 'a' | 'b', value: string | undefined) => (
    <select
      aria-label={key === 'a' ? 'Left version' : 'Right version'}
      value={value}
      onChange={(event) => set(key, event.target.value)}
    >
      {list.map((version) => (
        <option key={version.version} value={version.version}>
          v{version.version}
          {version.aliases.length ? ` (@${version.aliases.join(', @')})` : ''}
        </option>
      ))}
    </select>
  );
  return (
    <div>
      <div className="muted">
        <Link to="/prompts">Prompts</Link> /
      </div>
      <h1>{name}</h1>
      <Async state={versions}>
        {() =>
          list.length === 0 ? (
            <Empty title="No versions" />
          ) : (
            <>
              <div className="panel" style={{ padding: 0, marginBottom: 14 }}>
                <table className="simple">
                  <thead>
                    <tr>
                      <th>Version</th>
                      <th>Commit message</th>
                      <th>Variables</th>
                      <th>Aliases</th>
                      <th>Created</th>
                      <th />
                    </tr>
                  </thead>
                  <tbody>
                    {list.map((version) => (
                      <tr key={version.version} data-testid="prompt-version-row">
                        <td>v{version.version}</td>
                        <td>{version.commit_message ?? '—'}</td>
                        <td className="mono">{version.variables.join(', ') || '—'}</td>
                        <td>
                          {version.aliases.map((alias) => (
                            <span key={alias} className="badge">
                              @{alias}
                            </span>
                          ))}
                        </td>
                        <td>{formatTime(version.creation_timestamp)}</td>
                        <td>
                          <button type="button" onClick={() => setAsking(version.version)}>
                            Set alias
                          </button>
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
              <div className="row" style={{ marginBottom: 8 }}>
                <h2 style={{ margin: 0 }}>Compare</h2>
                {versionPicker('a', left)}
                <span>→</span>
                {versionPicker('b', right)}
              </div>
              <PromptDiff
                left={list.find((version) => version.version === left)}
                right={list.find((version) => version.version === right)}
              />
              <AbTests name={name} />
            </>
          )
        }
      </Async>
      {asking && (
        <PromptDialog
          title={`Alias for version ${asking}`}
          label="Alias"
          initial="production"
          submitLabel="Next"
          onClose={() => setAsking(undefined)}
          onSubmit={async (alias) => setMoving({ alias, version: asking })}
        />
      )}
      {moving && (
        <ConfirmDialog
          title="Move alias"
          message={`Point @${moving.alias} of ${name} at version ${moving.version}? Applications loading prompts:/${name}@${moving.alias} get it on their next load.`}
          confirmLabel="Move alias"
          onClose={() => setMoving(undefined)}
          onConfirm={async () => {
            await setAlias(name, moving.alias, moving.version);
            versions.reload();
          }}
        />
      )}
    </div>
  );
}

function PromptDiff({ left, right }: { left?: PromptVersion; right?: PromptVersion }) {
  const rows = sideBySideDiff(templateText(left), templateText(right));
  return (
    <div className="panel grid-2" data-testid="prompt-diff" style={{ gap: 0, padding: 0 }}>
      {(['left', 'right'] as const).map((side) => (
        <div
          key={side}
          style={{
            borderRight: side === 'left' ? '1px solid var(--border)' : undefined,
            padding: '8px 0',
          }}
        >
          <div className="muted" style={{ padding: '0 8px 6px' }}>
            v{(side === 'left' ? left : right)?.version}
          </div>
          {rows.map((row, index) => {
            const text = row[side];
            const kind =
              row.kind === 'same' || text === undefined ? '' : side === 'left' ? 'del' : 'add';
            return (
              // biome-ignore lint/suspicious/noArrayIndexKey: diff rows are positional.
              <div key={index} className={`diff-line ${kind}`} data-kind={kind || 'same'}>
                {text ?? ''}
              </div>
            );
          })}
        </div>
      ))}
    </div>
  );
}

interface AbReport {
  test: { name: string; status: string; unit: string; winner?: string };
  variants: {
    variant: string;
    version?: string;
    count: number;
    error_rate: number;
    latency_p50_ms?: number;
    mean_cost_usd?: number;
    feedback_rate?: number;
    mean_score?: number;
  }[];
  comparisons: {
    variant: string;
    metric: string;
    difference: number;
    p_value: number;
    significant: boolean;
  }[];
  recommended_winner?: string;
  reason: string;
}

function AbTests({ name }: { name: string }) {
  const state = useApi(async () => {
    const tests =
      (
        await api.get<{ ab_tests?: { name: string }[] }>(`${cairn}/prompts/ab-tests/list`, {
          prompt_name: name,
        })
      ).ab_tests ?? [];
    return Promise.all(
      tests.map(
        async (test) =>
          (
            await api.get<{ report: AbReport }>(`${cairn}/prompts/ab-tests/report`, {
              name: test.name,
            })
          ).report,
      ),
    );
  }, [name]);
  return (
    <>
      <h2>A/B tests</h2>
      <Async state={state}>
        {(reports) =>
          reports.length === 0 ? (
            <div className="panel">
              <Empty title="No A/B tests for this prompt">
                Create one with the ab-tests API to split traffic between versions.
              </Empty>
            </div>
          ) : (
            <div style={{ display: 'grid', gap: 14 }}>
              {reports.map((report) => (
                <div className="panel" key={report.test.name}>
                  <div className="row spread">
                    <strong>{report.test.name}</strong>
                    <span className="badge">{report.test.status.toLowerCase()}</span>
                  </div>
                  <table className="simple">
                    <thead>
                      <tr>
                        <th>Variant</th>
                        <th>Version</th>
                        <th>Calls</th>
                        <th>Error rate</th>
                        <th>p50 latency</th>
                        <th>Mean cost</th>
                        <th>Feedback rate</th>
                        <th>Mean score</th>
                      </tr>
                    </thead>
                    <tbody>
                      {report.variants.map((variant) => (
                        <tr key={variant.variant}>
                          <td>{variant.variant}</td>
                          <td>{variant.version ? `v${variant.version}` : '—'}</td>
                          <td>{variant.count}</td>
                          <td>{(variant.error_rate * 100).toFixed(1)}%</td>
                          <td>{formatDuration(variant.latency_p50_ms)}</td>
                          <td>{formatCost(variant.mean_cost_usd)}</td>
                          <td>
                            {variant.feedback_rate === undefined
                              ? '—'
                              : `${(variant.feedback_rate * 100).toFixed(1)}%`}
                          </td>
                          <td>{formatNumber(variant.mean_score)}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                  <p className="muted">
                    {report.recommended_winner
                      ? `Recommended winner: ${report.recommended_winner}. `
                      : ''}
                    {report.reason}
                  </p>
                </div>
              ))}
            </div>
          )
        }
      </Async>
    </>
  );
}
