// The page of the browser example: a member of the cluster in the tab. It shares the Node members' counter actor
// (called by name) and their chat topic (pub/sub), and lists the members it sees, browsers included.
// in an application of your own: import { Foundation } from 'foundation-mesh/browser'
import { Foundation } from '../../src/browser.ts'
import type { Cluster } from '../../src/browser.ts'

interface PageConfig { clusterName: string, bootstrap: string[] }

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T

async function main (): Promise<void> {
  const config: PageConfig = await (await fetch('/config.json')).json()
  const cluster: Cluster = await Foundation.start({ ...config, name: `tab-${Math.random().toString(36).slice(2, 6)}` })
  $('me').textContent = cluster.name

  const showCount = (count: number): void => { $('count').textContent = String(count) }
  showCount(await cluster.call('counter', { get: true }) as number)
  $('increment').addEventListener('click', () => {
    void cluster.call('counter', { inc: 1 }).then(count => { showCount(count as number) })
  })

  cluster.pubsub.subscribe<{ from: string, text: string }>('chat', (message) => {
    const line = document.createElement('li')
    line.textContent = `${message.from}: ${message.text}`
    $('messages').append(line)
  })
  $('chat').addEventListener('submit', (event) => {
    event.preventDefault()
    const input = $<HTMLInputElement>('text')
    void cluster.pubsub.publish('chat', { from: cluster.name, text: input.value })
    input.value = ''
  })

  const showMembers = (): void => {
    $('members').textContent = cluster.info().members.map(m => `${m.name}${m.roles.includes('$browser') ? ' (browser)' : ''}`).join(', ')
  }
  for (const event of ['member:join', 'member:leave'] as const) { cluster.addEventListener(event, showMembers) }
  showMembers()
  // for whoever drives the page (the example's test): the cluster, and the count as shown
  Object.assign(window, { cluster, shownCount: () => Number($('count').textContent) })
  $('status').textContent = 'joined'
}

main().catch((err: Error) => { $('status').textContent = `${err.name}: ${err.message}` })
