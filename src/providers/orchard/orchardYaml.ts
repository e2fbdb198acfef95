/**
 * Just enough YAML for ~/.orchard/orchard.yml as Orchard's yaml.v3 writes it: nested block
 * mappings of scalars (plain, 'single' or "double" quoted), one-line flow mappings
 * ({url: "…", …}), comments, and plain scalars continued on more-indented lines.
 */
export type YamlValue = string | { [key: string]: YamlValue };

interface Line {
  indent: number;
  text: string;
}

export function parseOrchardYaml(text: string): { [key: string]: YamlValue } {
  const lines: Line[] = text
    .split(/\r?\n/)
    .map((raw) => raw.replace(/\s+#.*$/, '').replace(/^\s*#.*$/, ''))
    .filter((raw) => raw.trim() !== '' && raw.trim() !== '---')
    .map((raw) => ({ indent: raw.length - raw.trimStart().length, text: raw.trim() }));
  const [value] = parseMap(lines, 0, lines[0]?.indent ?? 0);
  return value;
}

function parseMap(lines: Line[], start: number, indent: number): [{ [key: string]: YamlValue }, number] {
  const out: { [key: string]: YamlValue } = {};
  let i = start;
  while (i < lines.length && lines[i]!.indent === indent) {
    const m = /^("[^"]*"|'[^']*'|[^:]+):(?:\s+(.*))?$/.exec(lines[i]!.text);
    if (!m) throw new Error(`cannot read line "${lines[i]!.text}"`);
    const key = scalar(m[1]!);
    const rest = m[2]?.trim() ?? '';
    i += 1;
    if (rest === '' && i < lines.length && lines[i]!.indent > indent) {
      const [child, next] = parseMap(lines, i, lines[i]!.indent);
      out[key] = child;
      i = next;
    } else if (rest.startsWith('{')) {
      out[key] = flowMap(rest);
    } else {
      let value = rest;
      while (i < lines.length && lines[i]!.indent > indent) value += ` ${lines[i++]!.text}`;
      out[key] = scalar(value);
    }
  }
  return [out, i];
}

function flowMap(text: string): { [key: string]: YamlValue } {
  const body = text.replace(/^\{|\}$/g, '');
  const out: { [key: string]: YamlValue } = {};
  for (const m of body.matchAll(/\s*([^:,]+):\s*("(?:[^"\\]|\\.)*"|'[^']*'|[^,]*)\s*(?:,|$)/g)) out[m[1]!.trim()] = scalar(m[2]!.trim());
  return out;
}

function scalar(text: string): string {
  if (text.startsWith('"') && text.endsWith('"')) return JSON.parse(text) as string;
  if (text.startsWith("'") && text.endsWith("'")) return text.slice(1, -1).replace(/''/g, "'");
  return text;
}
