/** Minimal file-URI handling: enough to get a path for kind detection and messages. */
export const URI = {
  path(uri: string): string {
    const m = /^file:\/\/[^/]*(\/.*)$/.exec(uri);
    if (m) {
      try {
        return decodeURIComponent(m[1]).replace(/^\/([A-Za-z]:)/, '$1');
      } catch {
        return m[1];
      }
    }
    const rest = uri.replace(/^[a-z][a-z0-9+.-]*:/i, '');
    try {
      return decodeURIComponent(rest);
    } catch {
      return rest;
    }
  },
};
