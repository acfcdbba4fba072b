/**
 * The Dark setting works whatever the OS prefers (#20): the palette is one set of light-dark() colours picked by
 * the root's color-scheme, and applyTheme forces that scheme through data-theme; "Follow the system" leaves it
 * to the OS. jsdom evaluates no media query, which is the point: nothing here depends on the OS preference.
 */
// eslint-disable-next-line no-restricted-imports -- the test reads the stylesheet itself (Vitest drops CSS imports)
import { readFileSync } from 'node:fs'
import { afterEach, describe, expect, it } from 'vitest'
import { applyTheme } from './settingsStore'

const css = readFileSync(`${__dirname}/../styles.css`, 'utf8')

function mountStyles(): HTMLStyleElement {
  const style = document.createElement('style')
  style.textContent = css
  document.head.appendChild(style)
  return style
}

describe('theme', () => {
  afterEach(() => {
    document.head.innerHTML = ''
    document.documentElement.removeAttribute('data-theme')
  })

  it('applyTheme sets data-theme for Light and Dark and removes it for System', () => {
    applyTheme('dark')
    expect(document.documentElement.getAttribute('data-theme')).toBe('dark')
    applyTheme('light')
    expect(document.documentElement.getAttribute('data-theme')).toBe('light')
    applyTheme('system')
    expect(document.documentElement.hasAttribute('data-theme')).toBe(false)
    applyTheme(null)
    expect(document.documentElement.hasAttribute('data-theme')).toBe(false)
  })

  it('data-theme="dark" makes the root dark without any media query (a light OS)', () => {
    mountStyles()
    const scheme = () => getComputedStyle(document.documentElement).getPropertyValue('color-scheme').trim()
    expect(scheme()).toBe('light dark')
    applyTheme('dark')
    expect(scheme()).toBe('dark')
    applyTheme('light')
    expect(scheme()).toBe('light')
  })

  it('every theme colour has a dark value, and none is defined only under prefers-color-scheme', () => {
    const root = /:root\s*\{([^}]*)\}/.exec(css)![1]
    const colours = [...root.matchAll(/--([a-z-]+):\s*([^;]+);/g)]
    expect(colours.map((m) => m[1])).toEqual(
      expect.arrayContaining(['bg', 'panel', 'text', 'muted', 'border', 'accent', 'ok', 'warn', 'bad']),
    )
    for (const [, name, value] of colours) expect(value, `--${name}`).toMatch(/^light-dark\(#\w+, #\w+\)$/)
    expect(css).not.toMatch(/prefers-color-scheme:\s*dark\)\s*\{\s*:root/)
  })
})
