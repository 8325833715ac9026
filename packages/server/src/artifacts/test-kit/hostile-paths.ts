/** Traversal classes from MLflow's advisories (reference §7), grouped by class. */
export const hostilePaths: Record<string, string[]> = {
  'dot-dot segments': ['..', '../x', 'a/../../x', 'a/..', 'a/b/../../../etc/passwd'],
  'absolute paths': ['/etc/passwd', '//server/share/x', 'C:/Windows/win.ini', 'c:x'],
  'file and other URIs': ['file:///etc/passwd', 'file:/etc/passwd', 's3://bucket/x', 'http://h/x'],
  backslashes: ['..\\x', '\\..\\filename', 'a\\..\\..\\b', 'a\\b', 'a%5c..%5cb'],
  'NUL bytes': ['a\0b', 'a%00b.txt', 'x%2500'],
  'fragment, query and semicolon smuggling': [
    'a#/../../etc',
    'a?x=/../../',
    'a;/../b',
    'x%23y',
    'x%3Fy',
    'x%3By',
  ],
  'single-encoded traversal': ['%2e%2e/x', '%2e%2e%2fx', '..%2fx', '%2E%2E%2Fetc', 'a/%2e%2e'],
  'double-encoded traversal': ['%252e%252e%252fx', '%252E%252E/x', 'a/%252e%252e%252f%252e%252e'],
  'triple-encoded traversal': ['%25252e%25252e%25252fx'],
  'encoded absolute paths': ['%2fetc%2fpasswd', '%252fetc/passwd', 'file%3a%2f%2f%2fetc'],
};
