import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core'), 'utf8');

/**
 * A screen as people meet it, at a desk (1280 px) and on a phone (390 px): no serious or critical
 * axe-core finding, nothing scrolling sideways on the phone, and a screenshot of each size in
 * `shots` to look at. Leaves the page at desk size.
 */
export async function checkScreen(page: Page, name: string, shots: string): Promise<void> {
  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: width === 390 ? 844 : 800 });
    // The page answers a new size at its next frames: ResizeObservers report it (a table region that
    // now scrolls becomes focusable, TableScroll) and the screen re-renders. Look at it as a person would.
    await page.evaluate('new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)))');
    if (!(await page.evaluate('typeof axe !== "undefined"'))) await page.evaluate(axeSource);
    const result = await page.evaluate(async () =>
      (globalThis as unknown as { axe: { run(): Promise<{ violations: { id: string; impact: string; nodes: { target: unknown }[] }[] }> } }).axe.run(),
    );
    const bad = result.violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical');
    expect(
      bad.map((violation) => `${violation.id} ${JSON.stringify(violation.nodes.map((node) => node.target))}`),
      `${name} at ${width}px`,
    ).toEqual([]);
    if (width === 390) {
      expect(Number(await page.evaluate('document.documentElement.scrollWidth')), `${name} scrolls sideways`).toBeLessThanOrEqual(390);
    }
    await page.screenshot({ path: path.join(shots, `${name}-${width === 390 ? '390' : 'desk'}.png`), fullPage: true });
  }
  await page.setViewportSize({ width: 1280, height: 800 });
}

type Violation = { id: string; impact: string | null; nodes: { target: string[] }[] };

/** The serious and critical axe-core findings of the page (WCAG 2.1 A/AA and best practices), one line each. */
export async function seriousViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in globalThis))) await page.evaluate(axeSource);
  const result = await page.evaluate(async () =>
    (globalThis as unknown as { axe: { run(options: object): Promise<{ violations: Violation[] }> } }).axe.run({
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
    }),
  );
  return result.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => `${violation.id} at ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`);
}
