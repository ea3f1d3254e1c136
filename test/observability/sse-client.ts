// Reads a Server-Sent Events stream with fetch, for tests: each event's name and parsed JSON data, in order.

export interface StreamEvent { event: string, data: any }

export class SseClient {
  readonly events: StreamEvent[] = []
  readonly done: Promise<void>
  private readonly controller = new AbortController()
  status = 0
  contentType = ''

  constructor (url: string) {
    this.done = this.read(url).catch(() => {})
  }

  abort (): void {
    this.controller.abort()
  }

  of (event: string): any[] {
    return this.events.filter(e => e.event === event).map(e => e.data)
  }

  private async read (url: string): Promise<void> {
    const response = await fetch(url, { signal: this.controller.signal })
    this.status = response.status
    this.contentType = response.headers.get('content-type') ?? ''
    const decoder = new TextDecoder()
    let buffer = ''
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(chunk, { stream: true })
      let end: number
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end)
        buffer = buffer.slice(end + 2)
        const event = /^event: (.*)$/m.exec(block)?.[1]
        const data = /^data: (.*)$/m.exec(block)?.[1]
        if (event != null && data != null) { this.events.push({ event, data: JSON.parse(data) }) }
      }
    }
  }
}
