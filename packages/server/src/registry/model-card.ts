import type { Metric, Tag } from '@cairn/spec';
import type { HistoryItem, Lineage } from './lineage.js';

/** A model card as JSON: what the registry knows about one version, in one place. */
export interface ModelCard {
  name: string;
  version: string;
  stage: string;
  aliases: string[];
  description?: string;
  intended_use?: string;
  limitations?: string;
  source: string;
  run_id?: string;
  created_by?: string;
  creation_timestamp: number;
  tags: Record<string, string>;
  parameters: Record<string, string>;
  metrics: Record<string, number | string>;
  datasets: { name: string; digest: string; source_type: string; context?: string }[];
  evaluations: {
    run_id: string;
    run_name: string;
    status: string;
    metrics: Record<string, number | string>;
  }[];
  history: HistoryItem[];
  card_uri?: string;
}

/** Tags read for the card's prose sections; a version tag wins over the model's. */
export const cardTags = {
  intendedUse: ['cairn.card.intended_use', 'intended_use'],
  limitations: ['cairn.card.limitations', 'limitations'],
} as const;

/**
 * Builds the card from a version's lineage and its registered model's tags. Intended use and
 * limitations come from tags (`intended_use`, `limitations`, or the `cairn.card.` forms), the
 * intended use falling back to the version's, then the model's, description.
 */
export function buildModelCard(
  lineage: Lineage,
  modelTags: Tag[],
  modelDescription: string | undefined,
  cardUri?: string,
): ModelCard {
  const version = lineage.model_version;
  const versionTags = Object.fromEntries((version.tags ?? []).map((tag) => [tag.key, tag.value]));
  const modelTagMap = Object.fromEntries(modelTags.map((tag) => [tag.key, tag.value]));
  const pick = (keys: readonly string[]) =>
    keys.map((key) => versionTags[key] ?? modelTagMap[key]).find((value) => value !== undefined);
  const description = version.description || modelDescription || undefined;
  const intendedUse = pick(cardTags.intendedUse) ?? description;
  const limitations = pick(cardTags.limitations);
  const run = lineage.run;
  return {
    name: version.name,
    version: version.version,
    stage: version.current_stage,
    aliases: version.aliases ?? [],
    ...(description && { description }),
    ...(intendedUse && { intended_use: intendedUse }),
    ...(limitations && { limitations }),
    source: version.source,
    ...(version.run_id && { run_id: version.run_id }),
    ...(version.user_id && { created_by: version.user_id }),
    creation_timestamp: version.creation_timestamp,
    tags: { ...modelTagMap, ...versionTags },
    parameters: Object.fromEntries((run?.data.params ?? []).map((p) => [p.key, p.value])),
    metrics: metricMap(run?.data.metrics),
    datasets: lineage.datasets.map((input) => {
      const context = input.tags?.find((tag) => tag.key === 'mlflow.data.context')?.value;
      return {
        name: input.dataset.name,
        digest: input.dataset.digest,
        source_type: input.dataset.source_type,
        ...(context && { context }),
      };
    }),
    evaluations: lineage.evaluations.map((evaluation) => ({
      run_id: evaluation.info.run_id,
      run_name: evaluation.info.run_name,
      status: evaluation.info.status,
      metrics: metricMap(evaluation.data.metrics),
    })),
    history: lineage.history,
    ...(cardUri && { card_uri: cardUri }),
  };
}

function metricMap(metrics: Metric[] | undefined): Record<string, number | string> {
  return Object.fromEntries((metrics ?? []).map((metric) => [metric.key, metric.value]));
}

/** Renders the card as Markdown (tables escape `|` and newlines so cells stay cells). */
export function renderModelCardMarkdown(card: ModelCard): string {
  const lines: string[] = [`# Model card: ${card.name} v${card.version}`, ''];
  lines.push(`- **Stage:** ${card.stage}`);
  lines.push(`- **Aliases:** ${card.aliases.length > 0 ? card.aliases.join(', ') : '—'}`);
  lines.push(`- **Source:** \`${card.source}\``);
  if (card.run_id) lines.push(`- **Source run:** ${card.run_id}`);
  lines.push(`- **Registered:** ${iso(card.creation_timestamp)}${by(card.created_by)}`);
  lines.push('', '## Intended use', '', card.intended_use ?? '_Not stated._');
  lines.push('', '## Limitations', '', card.limitations ?? '_Not stated._');
  section(lines, 'Parameters', ['Parameter', 'Value'], Object.entries(card.parameters));
  section(
    lines,
    'Training metrics',
    ['Metric', 'Value'],
    Object.entries(card.metrics).map(([key, value]) => [key, String(value)]),
  );
  section(
    lines,
    'Evaluation results',
    ['Run', 'Status', 'Results'],
    card.evaluations.map((evaluation) => [
      `${evaluation.run_name} (${evaluation.run_id})`,
      evaluation.status,
      headlineMetrics(evaluation.metrics)
        .map(([key, value]) => `${key}=${typeof value === 'number' ? round(value) : value}`)
        .join(', '),
    ]),
  );
  section(
    lines,
    'Datasets',
    ['Name', 'Digest', 'Source type', 'Context'],
    card.datasets.map((dataset) => [
      dataset.name,
      dataset.digest,
      dataset.source_type,
      dataset.context ?? '',
    ]),
  );
  section(
    lines,
    'Stage and alias history',
    ['When (UTC)', 'Change', 'By'],
    card.history.map((item) => [iso(item.timestamp), describe(item), item.user_id ?? '']),
  );
  const tagRows = Object.entries(card.tags).filter(([key]) => !key.startsWith('mlflow.prompt.'));
  section(lines, 'Tags', ['Key', 'Value'], tagRows);
  return `${lines.join('\n')}\n`;
}

/** Aggregates worth a table cell: means and pass rates (`…/mean`, `…pass_rate`, `…/ratio`). */
const headlinePattern = /(\/mean|pass_rate|\/ratio)$/;

/**
 * An evaluation run's headline results, sorted by name: its means and pass rates when it logged
 * MLflow-style aggregates (dozens of `/p90`, `/variance`… entries otherwise drown the table),
 * else every metric. The JSON card keeps them all.
 */
function headlineMetrics(metrics: Record<string, number | string>): [string, number | string][] {
  const all = Object.entries(metrics).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const headline = all.filter(([key]) => headlinePattern.test(key));
  return headline.length > 0 ? headline : all;
}

function round(value: number): string {
  return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(4)));
}

function section(lines: string[], title: string, head: string[], rows: string[][]): void {
  lines.push('', `## ${title}`, '');
  if (rows.length === 0) {
    lines.push('_None recorded._');
    return;
  }
  lines.push(`| ${head.join(' | ')} |`, `|${head.map(() => ' --- ').join('|')}|`);
  for (const row of rows) lines.push(`| ${row.map(cell).join(' | ')} |`);
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

function describe(item: HistoryItem): string {
  switch (item.kind) {
    case 'created':
      return 'registered';
    case 'stage':
      return `stage ${item.from ?? '?'} → ${item.to ?? '?'}`;
    case 'alias_set':
      return item.from
        ? `alias @${item.to} moved here from v${item.from}`
        : `alias @${item.to} set`;
    case 'alias_deleted':
      return item.to ? `alias @${item.from} moved to v${item.to}` : `alias @${item.from} removed`;
    default:
      return item.kind;
  }
}

function iso(timestamp: number): string {
  return new Date(timestamp).toISOString().replace('T', ' ').slice(0, 19);
}

function by(user: string | undefined): string {
  return user ? ` by ${user}` : '';
}
