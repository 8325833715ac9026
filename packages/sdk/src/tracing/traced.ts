import type { LiveSpan } from './live-span.js';
import type { SpanTypeName } from './span-type.js';
import type { StartSpanOptions } from './tracer.js';

// biome-ignore lint/suspicious/noExplicitAny: a wrapper must accept every function signature.
export type TracedFunction = (...args: any[]) => any;

/** Options of `traced`. */
export interface TracedOptions {
  /** Span name; defaults to the function's name. */
  name?: string;
  /** Defaults to UNKNOWN. */
  spanType?: SpanTypeName;
  attributes?: Record<string, unknown>;
  /** Record the arguments as inputs (default true), keyed by parameter name when it can be read. */
  captureInputs?: boolean;
  /** Record the return value (or resolved value) as outputs (default true). */
  captureOutputs?: boolean;
  /** Maps the arguments to the recorded inputs (e.g. to leave out a secret). */
  inputs?: (...args: unknown[]) => unknown;
  /** Maps the result to the recorded outputs. */
  outputs?: (result: unknown) => unknown;
}

/** The part of a tracer `traced` needs. */
interface SpanRunner {
  runInNewSpan<T>(
    options: StartSpanOptions,
    body: (span: LiveSpan) => T,
    captureOutputs: boolean,
  ): T;
}

/**
 * Wraps `fn` so that every call runs in a span: `this` and arguments pass through, the result
 * (sync or a promise) is returned as is, errors are recorded and rethrown unchanged. The tracer is
 * looked up per call, so a function wrapped at module load follows later configuration.
 */
export function wrapTraced<F extends TracedFunction>(
  fn: F,
  options: TracedOptions,
  tracer: () => SpanRunner,
): F {
  const name = options.name ?? (fn.name || 'anonymous');
  const captureInputs = options.captureInputs ?? true;
  const captureOutputs = options.captureOutputs ?? true;
  const parameterNames = captureInputs && !options.inputs ? readParameterNames(fn) : undefined;
  const mapOutputs = options.outputs;
  const wrapper = function (this: unknown, ...args: unknown[]) {
    let inputs: unknown;
    if (captureInputs) {
      inputs = options.inputs
        ? safely(() => options.inputs?.(...args))
        : namedArguments(parameterNames, args);
    }
    return tracer().runInNewSpan(
      { name, spanType: options.spanType, attributes: options.attributes, inputs },
      (span) => {
        const result = fn.apply(this, args);
        if (mapOutputs && captureOutputs) return withMappedOutputs(span, result, mapOutputs);
        return result;
      },
      captureOutputs && !mapOutputs,
    );
  };
  Object.defineProperty(wrapper, 'name', { value: fn.name, configurable: true });
  Object.defineProperty(wrapper, 'length', { value: fn.length, configurable: true });
  return wrapper as F;
}

function withMappedOutputs(span: LiveSpan, result: unknown, map: (result: unknown) => unknown) {
  if (
    result !== null &&
    typeof result === 'object' &&
    typeof (result as PromiseLike<unknown>).then === 'function'
  ) {
    return Promise.resolve(result).then((value) => {
      span.setOutputs(safely(() => map(value)));
      return value;
    });
  }
  span.setOutputs(safely(() => map(result)));
  return result;
}

// A user's mapping function must not break the call it observes.
function safely(compute: () => unknown): unknown {
  try {
    return compute();
  } catch (error) {
    return `[inputs/outputs mapping failed: ${(error as Error)?.message ?? String(error)}]`;
  }
}

function namedArguments(names: string[] | undefined, args: unknown[]): unknown {
  if (!names || (names.length === 0 && args.length > 0)) return { args };
  const inputs: Record<string, unknown> = {};
  names.forEach((parameter, index) => {
    if (parameter.startsWith('...')) inputs[parameter.slice(3)] = args.slice(index);
    else if (index < args.length) inputs[parameter] = args[index];
  });
  return inputs;
}

/**
 * The parameter names of a function, read from its source once; undefined when a parameter is a
 * destructuring pattern or the source cannot be read (then inputs are recorded as `{ args }`).
 */
export function readParameterNames(fn: TracedFunction): string[] | undefined {
  let source: string;
  try {
    source = Function.prototype.toString.call(fn);
  } catch {
    return undefined;
  }
  const arrow = /^(?:async\s+)?([A-Za-z_$][\w$]*)\s*=>/.exec(source);
  if (arrow?.[1]) return [arrow[1]];
  const open = source.indexOf('(');
  if (open < 0) return undefined;
  let depth = 0;
  let current = '';
  const parts: string[] = [];
  let quote: string | undefined;
  for (let index = open + 1; index < source.length; index++) {
    const character = source[index] as string;
    // Default values may be strings holding brackets and commas: skip their contents.
    if (quote !== undefined) {
      if (character === '\\') index++;
      else if (character === quote) quote = undefined;
      current += character;
      continue;
    }
    if (character === "'" || character === '"' || character === '`') quote = character;
    if (character === '(' || character === '[' || character === '{') depth++;
    if (character === ')' || character === ']' || character === '}') {
      if (depth === 0) {
        parts.push(current);
        break;
      }
      depth--;
    }
    if (character === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else {
      current += character;
    }
  }
  const names: string[] = [];
  for (const part of parts) {
    const parameter = (part.split('=')[0] ?? '').replace(/\/\*.*?\*\//g, '').trim();
    if (parameter === '') continue;
    if (!/^(?:\.\.\.)?[A-Za-z_$][\w$]*$/.test(parameter)) return undefined;
    names.push(parameter);
  }
  return names;
}
