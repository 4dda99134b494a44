// Generated parts of README.md sit between `<!-- NAME:start -->` and `<!-- NAME:end -->`;
// `npm run docs` rewrites what is between, a test checks it is current.

export function sectionMarkers(name: string): { start: string; end: string } {
  return { start: `<!-- ${name}:start -->`, end: `<!-- ${name}:end -->` };
}

/** `readme` with the text between the `name` markers replaced by `body`. */
export function replaceSection(readme: string, name: string, body: string): string {
  const { start: startMarker, end: endMarker } = sectionMarkers(name);
  const start = readme.indexOf(startMarker);
  const end = readme.indexOf(endMarker);
  if (start < 0 || end < start) throw new Error(`README.md has no ${startMarker} … ${endMarker} markers`);
  return `${readme.slice(0, start + startMarker.length)}\n${body}\n${readme.slice(end)}`;
}

/** The text between the `name` markers, or undefined. */
export function sectionOf(readme: string, name: string): string | undefined {
  const { start: startMarker, end: endMarker } = sectionMarkers(name);
  const start = readme.indexOf(startMarker);
  const end = readme.indexOf(endMarker);
  if (start < 0 || end < start) return undefined;
  return readme.slice(start + startMarker.length, end).replace(/^\n/, '').replace(/\n$/, '');
}
