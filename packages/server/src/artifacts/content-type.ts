/** Extensions MLflow serves as `text/plain` so its UI can preview them (`_TEXT_EXTENSIONS`). */
const textExtensions = new Set([
  'txt',
  'log',
  'err',
  'cfg',
  'conf',
  'cnf',
  'cf',
  'ini',
  'properties',
  'prop',
  'hocon',
  'toml',
  'yaml',
  'yml',
  'xml',
  'json',
  'js',
  'py',
  'py3',
  'csv',
  'tsv',
  'md',
  'rst',
  'MLmodel',
  'mlproject',
]);

/** A few common types beyond the text ones; anything else is served as bytes. */
const knownTypes: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  bmp: 'image/bmp',
  webp: 'image/webp',
  svg: 'image/svg+xml',
  tif: 'image/tiff',
  tiff: 'image/tiff',
  html: 'text/html',
  htm: 'text/html',
  pdf: 'application/pdf',
  zip: 'application/zip',
  gz: 'application/gzip',
  tar: 'application/x-tar',
  wav: 'audio/x-wav',
  mp3: 'audio/mpeg',
  mp4: 'video/mp4',
};

/**
 * The Content-Type an artifact is served with, guessed from its name as MLflow's
 * `_guess_mime_type` does (a name without extension, like `MLmodel`, is its own extension).
 * Downloads are always attachments with `nosniff`, so a guessed HTML or SVG type cannot run.
 */
export function guessContentType(fileName: string): string {
  const dot = fileName.lastIndexOf('.');
  const extension = dot > 0 ? fileName.slice(dot + 1) : fileName;
  if (textExtensions.has(extension)) return 'text/plain';
  return knownTypes[extension.toLowerCase()] ?? 'application/octet-stream';
}
