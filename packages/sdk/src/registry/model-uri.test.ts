import { MissingPromptVariableError } from '@cairn/spec';
import { describe, expect, it } from 'vitest';
import { Prompt } from '../prompts/prompt.js';
import { parseRegistryUri } from './model-uri.js';

describe('parseRegistryUri', () => {
  it('reads versions, stages, latest and aliases', () => {
    expect(parseRegistryUri('models:/fraud/3')).toEqual({
      name: 'fraud',
      kind: 'version',
      version: '3',
    });
    expect(parseRegistryUri('models:/fraud/production')).toEqual({
      name: 'fraud',
      kind: 'stage',
      stage: 'Production',
    });
    expect(parseRegistryUri('models:/fraud/Latest')).toEqual({ name: 'fraud', kind: 'latest' });
    expect(parseRegistryUri('models:/fraud@champion')).toEqual({
      name: 'fraud',
      kind: 'alias',
      alias: 'champion',
    });
    expect(parseRegistryUri('prompts:/qa@production', 'prompts')).toEqual({
      name: 'qa',
      kind: 'alias',
      alias: 'production',
    });
    expect(parseRegistryUri('prompts:/qa/2', 'prompts')).toMatchObject({
      kind: 'version',
      version: '2',
    });
  });

  it('refuses malformed URIs with MLflow’s wording', () => {
    for (const uri of [
      'models:/fraud',
      'models:/fraud/3@x',
      'models:/fraud/Prod',
      'runs:/x/y',
      'models:/@a',
      'models:/a/b/c',
    ])
      expect(() => parseRegistryUri(uri), uri).toThrow(/Not a proper models:\/ URI/);
  });
});

describe('Prompt.format', () => {
  const version = {
    name: 'qa',
    version: '2',
    template: 'Answer {{ question }} for {{user.name}}.',
    type: 'text' as const,
    variables: ['question', 'user.name'],
    tags: {},
    aliases: [],
    creation_timestamp: 0,
  };

  it('fills text and chat templates, dotted names included', () => {
    const prompt = new Prompt(version);
    expect(prompt.format({ question: 'why?', user: { name: 'Ana' } })).toBe('Answer why? for Ana.');
    expect(prompt.uri).toBe('prompts:/qa/2');
    const chat = new Prompt({
      ...version,
      type: 'chat',
      template: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: '{{q}}' },
      ],
      variables: ['q'],
    });
    expect(chat.format({ q: 'hi' })).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'hi' },
    ]);
  });

  it('fails clearly on a missing variable', () => {
    const prompt = new Prompt(version);
    expect(() => prompt.format({ question: 'x' })).toThrow(MissingPromptVariableError);
    expect(() => prompt.format({})).toThrow(
      "Missing values for prompt variables 'question', 'user.name' of prompt 'qa'.",
    );
  });
});
