// Renders Markdown the way GitHub does for what this action writes (GFM, raw HTML allowed) and reads
// the HTML back as a tree, so that tests can check what a reader would really see.
import { micromark } from 'micromark'
import { gfm, gfmHtml } from 'micromark-extension-gfm'
import { parseFragment } from 'parse5'
import type { DefaultTreeAdapterMap } from 'parse5'

type Node = DefaultTreeAdapterMap['node']
export type Element = DefaultTreeAdapterMap['element']
type Parent = DefaultTreeAdapterMap['parentNode']

export function renderHtml(markdown: string): string {
  return micromark(markdown, { allowDangerousHtml: true, extensions: [gfm()], htmlExtensions: [gfmHtml()] })
}

export function renderTree(markdown: string): DefaultTreeAdapterMap['documentFragment'] {
  return parseFragment(renderHtml(markdown))
}

function isElement(node: Node): node is Element {
  return 'tagName' in node
}

function childrenOf(node: Node): Node[] {
  if (isElement(node) && node.tagName === 'template') return (node as unknown as { content: Parent }).content.childNodes
  return 'childNodes' in node ? (node as Parent).childNodes : []
}

/** Every element under `root`, depth first, without recursion (trees may be deep). */
export function elements(root: Node): Element[] {
  const found: Element[] = []
  const stack: Node[] = [...childrenOf(root)].reverse()
  while (stack.length > 0) {
    const node = stack.pop() as Node
    if (isElement(node)) found.push(node)
    stack.push(...[...childrenOf(node)].reverse())
  }
  return found
}

/** The text a reader sees in `node`: every text node under it, in order. */
export function textOf(node: Node): string {
  let text = ''
  const stack: Node[] = [node]
  while (stack.length > 0) {
    const current = stack.pop() as Node
    if (current.nodeName === '#text') text += (current as DefaultTreeAdapterMap['textNode']).value
    stack.push(...[...childrenOf(current)].reverse())
  }
  return text
}

/** Text nodes that are not inside any of `containers` (by tag name). */
export function textOutside(root: Node, containers: readonly string[]): string[] {
  const found: string[] = []
  const stack: Node[] = [...childrenOf(root)].reverse()
  while (stack.length > 0) {
    const node = stack.pop() as Node
    if (node.nodeName === '#text') found.push((node as DefaultTreeAdapterMap['textNode']).value)
    if (isElement(node) && containers.includes(node.tagName)) continue
    stack.push(...[...childrenOf(node)].reverse())
  }
  return found
}

export function attribute(element: Element, name: string): string | undefined {
  return element.attrs.find(attr => attr.name === name)?.value
}
