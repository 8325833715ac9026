import { type Document, isMap, isSeq, LineCounter, parseDocument } from 'yaml';

/** A path into the config document: keys and sequence indices. */
export type ConfigPath = (string | number)[];

/** One problem in a config file, located by line and field. */
export interface ConfigProblem {
  line?: number;
  column?: number;
  field: string;
  message: string;
}

/** A config file that failed validation; the message lists every problem with line and field. */
export class GatewayConfigError extends Error {
  readonly problems: ConfigProblem[];

  constructor(source: string, problems: ConfigProblem[]) {
    super(
      `${source}: ${problems.length} problem(s)\n${problems
        .map((problem) => `  ${describeLocation(problem)}: ${problem.message}`)
        .join('\n')}`,
    );
    this.name = 'GatewayConfigError';
    this.problems = problems;
  }
}

function describeLocation(problem: ConfigProblem): string {
  const where = problem.line === undefined ? '' : `line ${problem.line}, `;
  return `${where}field ${problem.field || '(top level)'}`;
}

/** Renders `['routes', 0, 'model']` as `routes[0].model`. */
export function formatPath(path: ConfigPath): string {
  let out = '';
  for (const part of path) out += typeof part === 'number' ? `[${part}]` : out ? `.${part}` : part;
  return out;
}

/**
 * The parsed YAML document plus the problems found so far. Validators read plain JS values
 * and report problems by path; the reader turns a path into a line number through the node
 * ranges the yaml library keeps.
 */
export class ConfigReader {
  readonly problems: ConfigProblem[] = [];
  readonly value: unknown;
  private readonly document: Document;
  private readonly lines = new LineCounter();

  constructor(text: string) {
    this.document = parseDocument(text, { lineCounter: this.lines, prettyErrors: false });
    for (const error of this.document.errors) {
      const position = this.lines.linePos(error.pos[0]);
      this.problems.push({
        line: position.line,
        column: position.col,
        field: '',
        message: `YAML syntax: ${error.message.split('\n')[0]}`,
      });
    }
    this.value = this.problems.length > 0 ? undefined : this.document.toJS();
  }

  /** Records a problem at `path` (or at the nearest existing parent when the field is missing). */
  report(path: ConfigPath, message: string): void {
    const position = this.positionOf(path);
    this.problems.push({ ...position, field: formatPath(path), message });
  }

  private positionOf(path: ConfigPath): { line?: number; column?: number } {
    for (let length = path.length; length >= 0; length--) {
      const node =
        length === 0 ? this.document.contents : this.document.getIn(path.slice(0, length), true);
      const range = (node as { range?: [number, number, number] } | null | undefined)?.range;
      if (range) {
        // For a whole map or sequence, point at the key line rather than at its first child.
        const keyed =
          length > 0 && (isMap(node) || isSeq(node))
            ? this.keyRange(path.slice(0, length))
            : undefined;
        const position = this.lines.linePos(keyed ?? range[0]);
        return { line: position.line, column: position.col };
      }
    }
    return {};
  }

  private keyRange(path: ConfigPath): number | undefined {
    const parentPath = path.slice(0, -1);
    const parent =
      parentPath.length === 0 ? this.document.contents : this.document.getIn(parentPath, true);
    if (!isMap(parent)) return undefined;
    const pair = parent.items.find(
      (item) => (item.key as { value?: unknown } | null)?.value === path[path.length - 1],
    );
    return (pair?.key as { range?: [number, number, number] } | null)?.range?.[0];
  }
}
