import type { Storage } from '../../storage/index.js';

/** 2026-06-01T00:00Z, a Monday: day 0 of the fixture. */
export const day0 = Date.UTC(2026, 5, 1);
const hour = 3600_000;
const day = 24 * hour;

interface FixtureTrace {
  id: string;
  experiment: number;
  at: number;
  executionMs: number | null;
  status: 'OK' | 'ERROR' | 'IN_PROGRESS';
  preview: string | null;
  user?: string;
  session?: string;
  route?: string;
  costCenter?: string;
  /** model → [cost, input tokens, output tokens] */
  usage: Record<string, [number, number, number]>;
  exception?: string;
}

/**
 * Seven traces over June 1–2 (one IN_PROGRESS) and one in May, with known latency, status, users,
 * sessions, routes, cost-centre tags and per-model usage; see dashboards.test.ts for the sums.
 */
export const fixtureTraces: FixtureTrace[] = [
  {
    id: 'tr-1',
    experiment: 0,
    at: day0 + 10 * 60_000,
    executionMs: 100,
    status: 'OK',
    preview: 'What is Cairn?',
    user: 'alice',
    session: 's1',
    route: 'chat',
    costCenter: 'A',
    usage: { 'gpt-4o': [0.1, 100, 50] },
  },
  {
    id: 'tr-2',
    experiment: 0,
    at: day0 + 20 * 60_000,
    executionMs: 200,
    status: 'OK',
    preview: 'What is Cairn?',
    user: 'alice',
    session: 's1',
    route: 'chat',
    costCenter: 'A',
    usage: { 'gpt-4o': [0.2, 200, 100] },
  },
  {
    id: 'tr-3',
    experiment: 0,
    at: day0 + 90 * 60_000,
    executionMs: 300,
    status: 'ERROR',
    preview: 'Summarize',
    user: 'bob',
    session: 's2',
    route: 'chat',
    costCenter: 'B',
    usage: { claude: [0.3, 300, 150] },
    exception: 'RateLimited',
  },
  {
    id: 'tr-4',
    experiment: 0,
    at: day0 + 100 * 60_000,
    executionMs: 400,
    status: 'OK',
    preview: 'Summarize',
    user: 'bob',
    session: 's2',
    route: 'embed',
    costCenter: 'B',
    usage: { 'gpt-4o': [0.05, 50, 0], claude: [0.35, 350, 100] },
  },
  {
    id: 'tr-5',
    experiment: 0,
    at: day0 + day + 10 * hour,
    executionMs: 1000,
    status: 'ERROR',
    preview: 'Hello',
    user: 'carol',
    session: 's3',
    usage: { claude: [0.5, 500, 200] },
  },
  {
    id: 'tr-6',
    experiment: 1,
    at: day0 + day + 10.5 * hour,
    executionMs: 500,
    status: 'OK',
    preview: 'Hi',
    user: 'carol',
    session: 's3',
    route: 'chat',
    costCenter: 'A',
    usage: { 'gpt-4o': [0.6, 600, 300] },
  },
  {
    id: 'tr-7',
    experiment: 0,
    at: day0 + day + 11 * hour,
    executionMs: null,
    status: 'IN_PROGRESS',
    preview: null,
    usage: {},
  },
  {
    id: 'tr-0',
    experiment: 0,
    at: day0 - hour,
    executionMs: 50,
    status: 'ERROR',
    preview: 'Old',
    user: 'dave',
    session: 's0',
    route: 'chat',
    costCenter: 'A',
    usage: { claude: [9, 9, 9] },
  },
];

/** A span row; times in ms from which nanosecond columns are derived. */
interface FixtureSpan {
  trace: string;
  id: string;
  type: string;
  name: string;
  startMs: number;
  durationMs: number;
  status?: 'OK' | 'ERROR';
  attributes?: Record<string, unknown>;
}

const ttft = 'cairn.llm.timeToFirstTokenMs';
const trace = (id: string) => fixtureTraces.find((entry) => entry.id === id)!;

/** LLM spans with times to first token 50/70/90 (day 0) and 30 (day 1); TOOL spans search×2, calculator. */
export const fixtureSpans: FixtureSpan[] = [
  {
    trace: 'tr-1',
    id: 'l1',
    type: 'CHAT_MODEL',
    name: 'chat',
    startMs: trace('tr-1').at + 1,
    durationMs: 80,
    attributes: { [ttft]: 50 },
  },
  {
    trace: 'tr-2',
    id: 'l2',
    type: 'CHAT_MODEL',
    name: 'chat',
    startMs: trace('tr-2').at + 1,
    durationMs: 80,
    attributes: { [ttft]: 70 },
  },
  {
    trace: 'tr-3',
    id: 'l3',
    type: 'LLM',
    name: 'complete',
    startMs: trace('tr-3').at + 1,
    durationMs: 80,
    attributes: { [ttft]: 90 },
  },
  {
    trace: 'tr-4',
    id: 'l4',
    type: 'CHAT_MODEL',
    name: 'chat',
    startMs: trace('tr-4').at + 1,
    durationMs: 80,
    attributes: { [ttft]: 'fast' },
  },
  {
    trace: 'tr-5',
    id: 'l5',
    type: 'CHAT_MODEL',
    name: 'chat',
    startMs: trace('tr-5').at + 1,
    durationMs: 80,
  },
  {
    trace: 'tr-6',
    id: 'l6',
    type: 'CHAT_MODEL',
    name: 'chat',
    startMs: trace('tr-6').at + 1,
    durationMs: 80,
    attributes: { [ttft]: 30 },
  },
  {
    trace: 'tr-0',
    id: 'l0',
    type: 'CHAT_MODEL',
    name: 'chat',
    startMs: trace('tr-0').at + 1,
    durationMs: 80,
    attributes: { [ttft]: 1 },
  },
  {
    trace: 'tr-1',
    id: 't1',
    type: 'TOOL',
    name: 'search',
    startMs: trace('tr-1').at + 2,
    durationMs: 10,
  },
  {
    trace: 'tr-2',
    id: 't2',
    type: 'TOOL',
    name: 'search',
    startMs: trace('tr-2').at + 2,
    durationMs: 30,
    status: 'ERROR',
  },
  {
    trace: 'tr-3',
    id: 't3',
    type: 'TOOL',
    name: 'calculator',
    startMs: trace('tr-3').at + 2,
    durationMs: 5,
  },
  {
    trace: 'tr-0',
    id: 't0',
    type: 'TOOL',
    name: 'search',
    startMs: trace('tr-0').at + 2,
    durationMs: 5,
  },
];

/** Writes the fixture's traces, spans, metadata, tags, usage, assessments, runs and metrics. */
export async function seedDashboardFixture(storage: Storage): Promise<void> {
  const { db } = storage;
  const ns = (ms: number) => BigInt(ms) * 1_000_000n;
  for (const entry of fixtureTraces) {
    const models = Object.values(entry.usage);
    const sum = (index: 0 | 1 | 2) => models.reduce((total, usage) => total + usage[index], 0);
    await db
      .insertInto('trace_info')
      .values({
        request_id: entry.id,
        experiment_id: entry.experiment,
        timestamp_ms: entry.at,
        execution_time_ms: entry.executionMs,
        status: entry.status,
        request_preview: entry.preview,
        cost: sum(0),
        input_tokens: sum(1),
        output_tokens: sum(2),
        total_tokens: sum(1) + sum(2),
        root_span_id: `root-${entry.id}`,
        // Direct inserts fill migration 012's copies of the metadata below, as ingest does.
        user_id: entry.user ?? null,
        session_id: entry.session ?? null,
        route: entry.route ?? null,
      })
      .execute();
    const events =
      entry.exception === undefined
        ? null
        : JSON.stringify([
            { name: 'start', time_unix_nano: '0', attributes: {} },
            {
              name: 'exception',
              time_unix_nano: '0',
              attributes: { 'exception.type': entry.exception, 'exception.message': 'x' },
            },
          ]);
    await db
      .insertInto('spans')
      .values(
        spanRow(
          {
            trace: entry.id,
            id: `root-${entry.id}`,
            type: 'CHAIN',
            name: 'root',
            startMs: entry.at,
            durationMs: entry.executionMs ?? 0,
            status: entry.status === 'ERROR' ? 'ERROR' : 'OK',
          },
          ns,
          events,
        ),
      )
      .execute();
    const metadata = {
      'mlflow.trace.user': entry.user,
      'mlflow.trace.session': entry.session,
      'cairn.gateway.route': entry.route,
    };
    for (const [key, value] of Object.entries(metadata)) {
      if (value !== undefined)
        await db
          .insertInto('trace_request_metadata')
          .values({ request_id: entry.id, key, value })
          .execute();
    }
    if (entry.costCenter !== undefined) {
      await db
        .insertInto('trace_tags')
        .values({ request_id: entry.id, key: 'cost_center', value: entry.costCenter })
        .execute();
    }
    for (const [model, [cost, input, output]] of Object.entries(entry.usage)) {
      await db
        .insertInto('trace_usage')
        .values({
          request_id: entry.id,
          model,
          cost,
          input_tokens: input,
          output_tokens: output,
          total_tokens: input + output,
          span_count: 1,
        })
        .execute();
    }
  }
  for (const span of fixtureSpans)
    await db
      .insertInto('spans')
      .values(spanRow(span, ns, null))
      .execute();
  await seedAssessments(storage);
  await seedRuns(storage);
}

function spanRow(span: FixtureSpan, ns: (ms: number) => bigint, events: string | null) {
  return {
    trace_id: span.trace,
    span_id: span.id,
    parent_span_id: span.id.startsWith('root-') ? null : `root-${span.trace}`,
    otel_trace_id: span.trace,
    name: span.name,
    span_type: span.type,
    kind: 0,
    start_time_ns: ns(span.startMs),
    end_time_ns: ns(span.startMs + span.durationMs),
    status: span.status ?? 'OK',
    status_message: null,
    model: null,
    input_tokens: null,
    output_tokens: null,
    total_tokens: null,
    cost: null,
    attributes: JSON.stringify(span.attributes ?? {}),
    events,
    links: null,
    inputs: null,
    outputs: null,
    truncated: null,
  };
}

type AssessmentFixture = [
  id: string,
  trace: string,
  name: string,
  source: string,
  value: unknown,
  at: number,
  valid?: boolean,
  type?: string,
];

/** Human thumbs, judge faithfulness/hallucination scores and toxicity checks. */
const fixtureAssessments: AssessmentFixture[] = [
  ['a1', 'tr-1', 'user_feedback', 'HUMAN', true, day0 + hour],
  ['a2', 'tr-2', 'user_feedback', 'HUMAN', false, day0 + 2 * hour],
  ['a3', 'tr-6', 'user_feedback', 'HUMAN', 'yes', day0 + day + 11 * hour],
  ['a4', 'tr-3', 'user_feedback', 'HUMAN', true, day0 + 3 * hour, false],
  ['a5', 'tr-3', 'user_feedback', 'HUMAN', 'expected', day0 + 3 * hour, true, 'expectation'],
  ['a6', 'tr-1', 'faithfulness', 'LLM_JUDGE', 0.9, day0 + hour],
  ['a7', 'tr-2', 'faithfulness', 'LLM_JUDGE', 0.3, day0 + 2 * hour],
  ['a8', 'tr-5', 'faithfulness', 'LLM_JUDGE', 0.6, day0 + day + 11 * hour],
  ['a9', 'tr-3', 'hallucination', 'LLM_JUDGE', true, day0 + 3 * hour],
  ['a10', 'tr-4', 'hallucination', 'LLM_JUDGE', 0.2, day0 + 3 * hour],
  ['a11', 'tr-4', 'toxicity', 'CODE', 0.9, day0 + 3 * hour],
  ['a12', 'tr-5', 'toxicity', 'CODE', 0.2, day0 + day + 11 * hour],
  ['a13', 'tr-0', 'user_feedback', 'HUMAN', true, day0 - hour],
];

async function seedAssessments(storage: Storage): Promise<void> {
  for (const [
    id,
    traceId,
    name,
    source,
    value,
    at,
    valid = true,
    type = 'feedback',
  ] of fixtureAssessments) {
    const body = {
      assessment_id: id,
      trace_id: traceId,
      assessment_name: name,
      source: { source_type: source },
      [type]: { value },
      valid,
    };
    await storage.db
      .insertInto('assessments')
      .values({
        assessment_id: id,
        trace_id: traceId,
        span_id: null,
        name,
        assessment_type: type,
        value: typeof value === 'string' ? value : JSON.stringify(value),
        body: JSON.stringify(body),
        valid: valid ? 1 : 0,
        create_time_ms: at,
        last_update_time_ms: at,
      })
      .execute();
  }
}

/** Runs r1 (day 0) and r2 (day 1) with evaluation metrics; r3 deleted; r4 in May. */
async function seedRuns(storage: Storage): Promise<void> {
  const runs: [string, number, string, Record<string, number>][] = [
    [
      'r1',
      day0 + 5 * hour,
      'active',
      { 'faithfulness/v1/mean': 0.8, 'toxicity/v1/mean': 0.7, latency: 5 },
    ],
    [
      'r2',
      day0 + day + 5 * hour,
      'active',
      { 'faithfulness/v1/mean': 0.6, 'toxicity/v1/mean': 0.1, 'toxicity/v1/variance': 0.9 },
    ],
    ['r3', day0 + 6 * hour, 'deleted', { 'faithfulness/v1/mean': 0.1, 'toxicity/v1/mean': 0.99 }],
    ['r4', day0 - day, 'active', { 'faithfulness/v1/mean': 0.2, 'toxicity/v1/mean': 0.99 }],
  ];
  for (const [id, start, stage, metrics] of runs) {
    await storage.db
      .insertInto('runs')
      .values({
        run_uuid: id,
        name: id,
        experiment_id: 0,
        user_id: 'eve',
        status: 'FINISHED',
        start_time: start,
        end_time: start + 1000,
        lifecycle_stage: stage,
        artifact_uri: '',
        deleted_time: null,
      })
      .execute();
    for (const [key, value] of Object.entries(metrics)) {
      await storage.db
        .insertInto('latest_metrics')
        .values({ run_uuid: id, key, value, timestamp: start, step: 0, is_nan: 0 })
        .execute();
    }
  }
}
