// One-way dependencies between the top-level areas of src/ (issue 14, README "Architecture").
// Run with `npm run lint:deps`; the lint step of scripts/test.sh runs it after eslint.
//
// AREA_ORDER is the dependency order, top (entry points) to bottom (leaves): a module may import
// its own area and any area listed AFTER it, never one listed before. A linear order admits no
// cycle between areas, so "no area cycles" is checked by construction, and the message names the
// offending import. A new folder (or file) directly under src/ must be placed in the order here and
// in the README map before it can be used; moving an area is a design decision, made in review.

/** Folders under src/ by name; files directly under src/ by file name. Keep in step with the README. */
const AREA_ORDER = [
  // entry points: the command, the composition root (main.ts), serving (server.ts), each area's
  // wiring (compose/), demo data the command seeds
  'cli',
  'main.ts',
  'server.ts',
  'compose',
  'demo',
  // HTTP: the Fastify app, plugins and pages
  'web',
  // services
  'calls',
  'cases',
  'settings',
  'audit',
  // channels (carriers), the contracts they share with the services, and engines
  'telephony',
  'channels',
  'agent',
  'speech',
  'media',
  'identity',
  'mail',
  'jobs',
  'security',
  // leaves
  'html',
  'store',
  'observability',
  // configuration validates names the domain defines (policy presets, languages)
  'config',
  'domain',
];

const escapeRegExp = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** The path pattern of an area: a folder and everything under it, or a file under src/ with its test beside it. */
const areaPattern = (area) =>
  area.endsWith('.ts') ? `^src/${escapeRegExp(area.slice(0, -'.ts'.length))}(\\.test)?\\.ts$` : `^src/${escapeRegExp(area)}/`;

// One rule per area that has areas above it: nothing in it may import any of them.
const upwardRules = AREA_ORDER.slice(1).map((area, index) => ({
  name: `area-order:${area}`,
  severity: 'error',
  comment: `src/${area} may only import areas listed after it in AREA_ORDER (.dependency-cruiser.cjs); this import points back up and would allow a cycle between areas.`,
  from: { path: areaPattern(area) },
  to: { path: AREA_ORDER.slice(0, index + 1).map(areaPattern) },
}));

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Modules import each other in a ring (type-only imports count): move what both need into a third module.',
      from: {},
      to: { circular: true },
    },
    ...upwardRules,
    {
      name: 'area-not-in-map',
      severity: 'error',
      comment:
        'A folder or file directly under src/ that AREA_ORDER (.dependency-cruiser.cjs) and the README map do not list: place it in the order first.',
      from: { path: '^src/', pathNot: AREA_ORDER.map(areaPattern) },
      to: {},
    },
    {
      name: 'area-not-in-map',
      severity: 'error',
      comment:
        'A folder or file directly under src/ that AREA_ORDER (.dependency-cruiser.cjs) and the README map do not list: place it in the order first.',
      from: { path: '^src/' },
      to: { path: '^src/', pathNot: AREA_ORDER.map(areaPattern) },
    },
  ],
  options: {
    // Only our own modules: the rules are about src/, not about packages.
    includeOnly: '^src/',
    doNotFollow: { path: 'node_modules' },
    // Count `import type` too: a type-only ring is still a ring for the reader and the compiler.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
