import { api, cairn, mlflow } from '../api/client';
import type { ModelVersion, Prompt, PromptVersion, RegisteredModel, Run } from '../api/types';

/** Registered models (prompts excluded), optionally filtered by a name fragment. */
export async function searchModels(query: string): Promise<RegisteredModel[]> {
  const escaped = query.replaceAll("'", "''");
  const answer = await api.get<{ registered_models?: RegisteredModel[] }>(
    `${mlflow}/registered-models/search`,
    {
      max_results: 1000,
      filter: query ? `name ILIKE '%${escaped}%'` : undefined,
    },
  );
  return (answer.registered_models ?? []).filter(
    (model) =>
      !(model.tags ?? []).some(
        (tag) => tag.key === 'mlflow.prompt.is_prompt' && tag.value === 'true',
      ),
  );
}

/** One registered model. */
export async function getModel(name: string): Promise<RegisteredModel> {
  return (
    await api.get<{ registered_model: RegisteredModel }>(`${mlflow}/registered-models/get`, {
      name,
    })
  ).registered_model;
}

/** All versions of a model, newest first. */
export async function modelVersions(name: string): Promise<ModelVersion[]> {
  const answer = await api.get<{ model_versions?: ModelVersion[] }>(
    `${mlflow}/model-versions/search`,
    {
      filter: `name = '${name.replaceAll("'", "''")}'`,
      max_results: 1000,
      order_by: ['version_number DESC'],
    },
  );
  return answer.model_versions ?? [];
}

/** Where a version came from: its run, datasets, evaluations and history. */
export interface Lineage {
  model_version: ModelVersion;
  run?: Run;
  datasets: { dataset: { name: string; digest: string; source_type?: string } }[];
  evaluations: Run[];
  history: { kind: string; from?: string; to?: string; user_id?: string; timestamp: number }[];
}

/** Lineage of one model version. */
export function lineage(name: string, version: string): Promise<Lineage> {
  return api.get<Lineage>(`${cairn}/registered-models/lineage`, { name, version });
}

/** The model card of one version as Markdown. */
export function modelCard(name: string, version: string): Promise<string> {
  return api.text(`${cairn}/model-versions/card`, { name, version, format: 'markdown' });
}

/** Prompts in the registry. */
export async function searchPrompts(): Promise<Prompt[]> {
  return (
    (await api.get<{ prompts?: Prompt[] }>(`${cairn}/prompts/search`, { max_results: 1000 }))
      .prompts ?? []
  );
}

/** Versions of a prompt, newest first. */
export async function promptVersions(name: string): Promise<PromptVersion[]> {
  return (
    (await api.get<{ prompt_versions?: PromptVersion[] }>(`${cairn}/prompts/versions`, { name }))
      .prompt_versions ?? []
  );
}

/** Moves an alias to a version (models and prompts share the registry's alias API). */
export function setAlias(name: string, alias: string, version: string): Promise<unknown> {
  return api.post(`${mlflow}/registered-models/alias`, { name, alias, version });
}

/** Removes an alias. */
export function deleteAlias(name: string, alias: string): Promise<unknown> {
  return api.delete(`${mlflow}/registered-models/alias`, { name, alias });
}
