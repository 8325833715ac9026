/** JSON shapes of MLflow's model registry, webhooks and Cairn's prompt additions, as sent on the wire. */

import type { Tag } from './tracking.js';

/** A model version's legacy stage; aliases replace stages since MLflow 2.9 but both work. */
export type ModelStage = 'None' | 'Staging' | 'Production' | 'Archived';

/** An alias pointing at a version of a registered model. */
export interface RegisteredModelAlias {
  alias: string;
  version: string;
}

/** A model version as `model-versions/get` returns it; `version` is a decimal string. */
export interface ModelVersion {
  name: string;
  version: string;
  creation_timestamp: number;
  last_updated_timestamp: number;
  user_id?: string;
  current_stage: ModelStage;
  description?: string;
  source: string;
  run_id?: string;
  status: 'PENDING_REGISTRATION' | 'FAILED_REGISTRATION' | 'READY';
  status_message?: string;
  tags?: Tag[];
  run_link?: string;
  aliases?: string[];
}

/** A registered model as `registered-models/get` returns it. */
export interface RegisteredModel {
  name: string;
  creation_timestamp: number;
  last_updated_timestamp: number;
  user_id?: string;
  description?: string;
  latest_versions?: ModelVersion[];
  tags?: Tag[];
  aliases?: RegisteredModelAlias[];
}

/** One webhook subscription, e.g. `{entity: 'MODEL_VERSION', action: 'CREATED'}` (proto enum names). */
export interface WebhookEvent {
  entity: string;
  action: string;
}

/** A webhook as the API returns it; the secret is never returned. */
export interface Webhook {
  webhook_id: string;
  name: string;
  description?: string;
  url: string;
  events: WebhookEvent[];
  status: 'ACTIVE' | 'DISABLED';
  creation_timestamp: number;
  last_updated_timestamp: number;
}

/** What `webhooks/{id}/test` answers. */
export interface WebhookTestResult {
  success: boolean;
  response_status?: number;
  response_body?: string;
  error_message?: string;
}

/** One attempted (or pending) delivery, from Cairn's delivery log. */
export interface WebhookDelivery {
  delivery_id: string;
  webhook_id: string;
  event: string;
  status: 'PENDING' | 'DELIVERED' | 'FAILED';
  attempts: number;
  response_status?: number;
  error_message?: string;
  creation_timestamp: number;
  last_attempt_timestamp?: number;
  next_attempt_timestamp?: number;
}

/** A chat template message. */
export interface PromptMessage {
  role: string;
  content: string;
}

/** A prompt version as Cairn's prompt endpoints return it (stored as an MLflow model version). */
export interface PromptVersion {
  name: string;
  version: string;
  /** The text template, or the chat messages. */
  template: string | PromptMessage[];
  type: 'text' | 'chat';
  variables: string[];
  commit_message?: string;
  model_config?: Record<string, unknown>;
  tags: Record<string, string>;
  aliases: string[];
  creation_timestamp: number;
}

/** One arm of a prompt A/B test: a fixed version or an alias resolved at load time. */
export interface AbTestVariant {
  name: string;
  version?: string;
  alias?: string;
  weight: number;
}

/** A prompt A/B test definition. */
export interface AbTest {
  name: string;
  prompt_name: string;
  unit: 'user' | 'session';
  variants: AbTestVariant[];
  status: 'RUNNING' | 'CONCLUDED';
  description?: string;
  winner?: string;
  creation_timestamp: number;
  last_updated_timestamp: number;
}

/** Outcomes of one variant of an A/B test. */
export interface AbVariantReport {
  variant: string;
  version?: string;
  /** Where the outcomes come from: the variant's tagged traces when it has any, else its runs. */
  source?: 'traces' | 'runs';
  count: number;
  /** Traces and runs tagged with the variant. */
  trace_count?: number;
  run_count?: number;
  error_rate: number;
  latency_p50_ms?: number;
  latency_p95_ms?: number;
  mean_latency_ms?: number;
  mean_cost_usd?: number;
  total_cost_usd: number;
  feedback_count: number;
  feedback_rate?: number;
  score_count: number;
  mean_score?: number;
}

/** One significance test of a variant against the baseline (the first variant). */
export interface AbComparison {
  variant: string;
  baseline: string;
  metric: 'error_rate' | 'feedback_rate' | 'latency_ms' | 'score';
  test: 'two-proportion-z' | 'welch-t';
  difference: number;
  statistic: number;
  p_value: number;
  significant: boolean;
}

/** What `ab-tests/report` answers. */
export interface AbTestReport {
  test: AbTest;
  variants: AbVariantReport[];
  comparisons: AbComparison[];
  recommended_winner?: string;
  reason: string;
}
