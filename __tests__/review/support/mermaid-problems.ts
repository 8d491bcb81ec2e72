/** Checks a mermaid flowchart line by line: quoted labels, alphanumeric IDs, balanced subgraphs, valid linkStyle indexes. */
export function mermaidProblems(diagram: string): string[] {
  const problems: string[] = [];
  const label = String.raw`"[^"]*"`;
  const patterns = [
    /^flowchart LR$/,
    new RegExp(String.raw`^\s*subgraph [A-Za-z0-9]+\[${label}\]$`),
    /^\s*end$/,
    new RegExp(String.raw`^\s*[A-Za-z0-9]+\[${label}\]$`),
    new RegExp(String.raw`^\s*[A-Za-z0-9]+ -->\|${label}\| [A-Za-z0-9]+$`),
    /^\s*linkStyle \d+(,\d+)* stroke:#[0-9a-f]{6},stroke-width:2px$/,
  ];
  let depth = 0;
  let edges = 0;
  const defined = new Set<string>();
  const used: string[] = [];
  for (const line of diagram.split("\n")) {
    if (!patterns.some((pattern) => pattern.test(line))) problems.push(`unexpected line: ${line}`);
    if (/^\s*subgraph /.test(line)) depth += 1;
    if (/^\s*end$/.test(line)) depth -= 1;
    if (depth < 0) problems.push("'end' without subgraph");
    const node = /^\s*(?:subgraph )?([A-Za-z0-9]+)\[/.exec(line);
    if (node) {
      if (defined.has(node[1])) problems.push(`ID defined twice: ${node[1]}`);
      defined.add(node[1]);
    }
    const edge = /^\s*([A-Za-z0-9]+) -->\|"[^"]*"\| ([A-Za-z0-9]+)$/.exec(line);
    if (edge) {
      edges += 1;
      used.push(edge[1], edge[2]);
    }
    const style = /^\s*linkStyle ([\d,]+) /.exec(line);
    if (style) for (const index of style[1].split(",").map(Number)) if (index >= edges) problems.push(`linkStyle ${index} of ${edges} edges`);
  }
  if (depth !== 0) problems.push(`${depth} subgraph(s) not closed`);
  for (const id of used) if (!defined.has(id)) problems.push(`edge to undefined node ${id}`);
  return problems;
}
