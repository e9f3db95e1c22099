import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';

/**
 * A table that scrolls sideways inside its card, never the page (a 390 px phone). When it does
 * scroll, the region takes the keyboard focus, so that arrows scroll it without a mouse (WCAG
 * 2.1.1; axe's scrollable-region-focusable); when it fits, it is no extra tab stop.
 */
export function TableScroll({ label, children }: { label: string; children: ComponentChildren }) {
  const region = useRef<HTMLDivElement>(null);
  const [scrolls, setScrolls] = useState(false);
  useEffect(() => {
    const element = region.current;
    if (!element) return;
    const measure = () => setScrolls(element.scrollWidth > element.clientWidth + 1);
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    if (element.firstElementChild) observer.observe(element.firstElementChild);
    return () => observer.disconnect();
  }, []);
  return (
    <div ref={region} class="table-scroll" role="region" aria-label={label} tabIndex={scrolls ? 0 : undefined}>
      {children}
    </div>
  );
}
