import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The layout a newcomer relies on: every folder of src/modules is one module with one entry,
 * `<folder>/<folder>-module.ts` exporting `create…Module`, and the module list creates each one.
 */
const MODULES = path.resolve(import.meta.dirname, '../../src/modules');
const folders = readdirSync(MODULES, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name);

describe('src/modules', () => {
  it.each(folders)('%s has one entry, <folder>-module.ts, exporting create…Module', (folder) => {
    const entry = path.join(MODULES, folder, `${folder}-module.ts`);
    expect(existsSync(entry), entry).toBe(true);
    expect(readFileSync(entry, 'utf8')).toMatch(/export (async )?function create\w+Module\(/);
  });

  it('lists every module once in module-list.ts', () => {
    const list = readFileSync(path.join(MODULES, 'module-list.ts'), 'utf8');
    for (const folder of folders) {
      expect(list, folder).toContain(`from './${folder}/${folder}-module.ts'`);
      const factory = /export (?:async )?function (create\w+Module)\(/.exec(readFileSync(path.join(MODULES, folder, `${folder}-module.ts`), 'utf8'))![1];
      expect(list.match(new RegExp(`add\\(\\s*(await )?${factory}\\(`, 'g')), factory).toHaveLength(1);
    }
  });
});
