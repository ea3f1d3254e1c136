// The browser example for real: `foundation dev` runs it on three node processes, node-1 serves the page, and two
// Chromium tabs join the cluster from it, share the counter actor, chat with each other and the Node side, and leave
// when closed.
import { expect } from 'aegir/chai'
import { chromium } from 'playwright-core'
import { CliRun } from '../cli/cli-process.ts'
import { findChromium } from '../fixtures/chromium.ts'
import { eventually } from '../fixtures/nodes.ts'
import type { Browser, Page } from 'playwright-core'

describe('the browser example', function () {
  this.timeout(120_000)
  let dev: CliRun | undefined
  let browser: Browser | undefined

  after(async () => {
    await browser?.close()
    await dev?.kill()
  })

  it('has two tabs share the counter and the chat with the Node members, and leave when closed', async () => {
    dev = new CliRun(['dev', '--nodes', '3', 'examples/browser/app.ts'], { env: { PORT: '0' } })
    const url = (await dev.line(/^node-1: open http:\/\/127\.0\.0\.1:\d+\//, 60_000)).split(' ')[2]
    browser = await chromium.launch({ executablePath: findChromium(), headless: true, args: ['--no-sandbox'] })
    const context = await browser.newContext()
    const tabs: Page[] = []
    for (let i = 0; i < 2; i++) {
      const tab = await context.newPage()
      await tab.goto(url)
      await tab.waitForFunction(() => document.getElementById('status')?.textContent === 'joined', undefined, { timeout: 20_000 })
      tabs.push(tab)
    }
    const names = await Promise.all(tabs.map(async tab => tab.textContent('#me')))

    // each tab clicks once: the counter actor on a Node member counts both
    await tabs[0].click('#increment')
    await eventually(async () => (await tabs[0].evaluate(() => (window as any).shownCount())) === 1, 'the first tab shows 1')
    await tabs[1].click('#increment')
    await eventually(async () => (await tabs[1].evaluate(() => (window as any).shownCount())) === 2, 'the second tab shows 2')

    // a chat line from one tab reaches the other tab and the Node side
    await tabs[0].fill('#text', 'hello from a tab')
    await tabs[0].press('#text', 'Enter')
    await eventually(async () => (await tabs[1].textContent('#messages'))?.includes(`${names[0]}: hello from a tab`) === true, 'the other tab shows the line')
    await dev.line(new RegExp(`^node-1: chat: ${names[0]}: hello from a tab$`), 10_000)

    // both tabs and the three Node members in each tab's list
    await eventually(async () => (await tabs[1].textContent('#members'))?.match(/\(browser\)/g)?.length === 2, 'the second tab lists both tabs')
    expect(await tabs[1].textContent('#members')).to.include('node-1').and.include('node-2').and.include('node-3')

    for (const tab of tabs) { await tab.close({ runBeforeUnload: true }) }
    for (const name of names) { await dev.line(new RegExp(`^node-1: left ${name} \\(left\\)$`), 10_000) }
    dev.process.kill('SIGINT')
    expect(await dev.exitWithin(60_000)).to.deep.equal({ code: 0, signal: null })
  })
})
