import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { routes } from '#shared/topology.js';

// The README is what a newcomer reads top to bottom, docs/ has the depth (issue #17): every relative link
// must lead somewhere in the repository, and the two files with a size budget keep to it.

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

const checked = [
  'README.md',
  ...readdirSync(join(root, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name}`),
  'cli/simctl/README.md',
  'local/README.md',
  'local/simulator/README.md',
];

const read = (file: string): string => readFileSync(join(root, file), 'utf8');
const lineCount = (file: string): number => read(file).replace(/\n$/, '').split('\n').length;

const fencedBlocks = /^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm;

/** The text outside fenced code blocks and inline code, where a link is a link. */
function prose(markdown: string): string {
  return markdown.replace(fencedBlocks, '').replace(/(`+)[\s\S]*?\1/g, '');
}

/** `[text](target)` and `[text](target "title")`; images too. */
function linkTargets(markdown: string): string[] {
  const targets: string[] = [];
  for (const match of prose(markdown).matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
    targets.push(match[1] as string);
  }
  return targets;
}

/** GitHub's anchors: headings lowercased, punctuation dropped, spaces to hyphens, repeats numbered. */
function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const result = new Set<string>();
  for (const match of markdown.replace(fencedBlocks, '').matchAll(/^#{1,6}\s+(.+?)\s*#*$/gm)) {
    const text = (match[1] as string).replace(/`/g, '').replace(/\[([^\]]*)\]\([^)]*\)/g, '$1');
    const slug = text
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    result.add(count === 0 ? slug : `${slug}-${count}`);
  }
  return result;
}

function brokenLinks(file: string): string[] {
  const broken: string[] = [];
  for (const target of linkTargets(read(file))) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto: ...: not ours to check offline
    const [pathPart = '', anchor] = target.split('#', 2);
    const resolved =
      pathPart === '' ? join(root, file) : resolve(root, dirname(file), decodeURIComponent(pathPart));
    const inRepo = relative(root, resolved);
    if (inRepo.startsWith(`..${sep}`) || inRepo === '..') {
      broken.push(`${target}: outside the repository`);
      continue;
    }
    if (!existsSync(resolved)) {
      broken.push(`${target}: no such file`);
      continue;
    }
    if (anchor !== undefined && anchor !== '') {
      if (!statSync(resolved).isFile() || !resolved.endsWith('.md')) {
        broken.push(`${target}: an anchor into something that is not a markdown file`);
      } else if (!anchors(readFileSync(resolved, 'utf8')).has(anchor.toLowerCase())) {
        broken.push(`${target}: no heading '${anchor}' in ${relative(root, resolved)}`);
      }
    }
  }
  return broken;
}

describe('documentation links', () => {
  it.each(checked)('every relative link of %s resolves in the repository', (file) => {
    expect(brokenLinks(file)).toEqual([]);
  });

  it('finds the links it is meant to check', () => {
    const targets = linkTargets(read('README.md'));
    expect(targets).toContain('docs/design.md');
    expect(linkTargets('see [x](a.md) and `[y](b.md)`\n\n```\n[z](c.md)\n```\n')).toEqual(['a.md']);
    expect(anchors("# Your first policy\n## Decisions on Transatel's unknowns\n## A\n## A\n")).toEqual(
      new Set(['your-first-policy', 'decisions-on-transatels-unknowns', 'a', 'a-1']),
    );
  });
});

describe('documentation sizes', () => {
  it('README.md is at most 400 lines', () => {
    expect(lineCount('README.md')).toBeLessThanOrEqual(400);
  });

  it('docs/performance.md is at most 200 lines', () => {
    expect(lineCount('docs/performance.md')).toBeLessThanOrEqual(200);
  });
});

describe("the README's API table", () => {
  /** Method and path of each row: `/v1/sims/{iccid}/suspend`, `/reactivate` names a sibling of the first path. */
  function tableRoutes(markdown: string): Set<string> {
    const found = new Set<string>();
    for (const match of markdown.matchAll(/^\|\s*(GET|POST|PUT|PATCH|DELETE)\s*\|([^|]*)\|/gm)) {
      const method = match[1] as string;
      const paths = [...(match[2] as string).matchAll(/`([^`]+)`/g)].map(
        (p) => (p[1] as string).split('?')[0] as string,
      );
      const [first, ...siblings] = paths;
      if (first === undefined) continue;
      found.add(`${method} ${first}`);
      for (const sibling of siblings) {
        found.add(`${method} ${first.slice(0, first.lastIndexOf('/'))}${sibling}`);
      }
    }
    return found;
  }

  it('lists every route of the topology', () => {
    const table = tableRoutes(read('README.md'));
    const missing = routes
      .map((route) => `${route.method} ${route.path}`)
      .filter((route) => !table.has(route));
    expect(missing).toEqual([]);
  });
});
