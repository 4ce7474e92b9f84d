// SPDX-License-Identifier: GPL-2.0-or-later
/** Tiny DOM helpers. Text always goes in as textContent: guest- and URL-derived strings are never HTML. */

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  options: {
    className?: string;
    text?: string;
    title?: string;
    attrs?: Record<string, string>;
  } = {},
  children: Array<Node | string> = [],
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (options.className !== undefined) node.className = options.className;
  if (options.text !== undefined) node.textContent = options.text;
  if (options.title !== undefined) node.title = options.title;
  for (const [name, value] of Object.entries(options.attrs ?? {})) node.setAttribute(name, value);
  for (const child of children) node.append(child);
  return node;
}

export function button(
  text: string,
  onClick: () => void,
  className = 'button',
  title?: string,
): HTMLButtonElement {
  const b = el('button', { className, text, ...(title !== undefined ? { title } : {}) });
  b.type = 'button';
  b.addEventListener('click', onClick);
  return b;
}
