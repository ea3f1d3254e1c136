// Writing to the terminal: whole lines, and a status line rewritten in place when stdout is a terminal.

/** Where a command writes. */
export interface Output {
  /** one line on stdout */
  line(text: string): void
  /** one line on stderr */
  error(text: string): void
  /** a status line: rewritten in place on a terminal, else printed as a line of its own each time it changes */
  status(text: string): void
  /** ends the status line, so what follows starts on a new line */
  endStatus(): void
}

export function terminalOutput (stdout: NodeJS.WriteStream = process.stdout, stderr: NodeJS.WriteStream = process.stderr): Output {
  const tty = stdout.isTTY === true
  let last: string | undefined
  /** the status line on screen, on a terminal only */
  let shown = false
  // a line printed while a status line is shown goes above it, and the status line is drawn again below
  const around = (write: () => void): void => {
    if (shown) { stdout.write('\r\x1b[K') }
    write()
    if (shown && last != null) { stdout.write(last) }
  }
  return {
    line (text) { around(() => { stdout.write(`${text}\n`) }) },
    error (text) { around(() => { stderr.write(`${text}\n`) }) },
    status (text) {
      if (text === last) { return }
      last = text
      if (tty) {
        stdout.write(`\r\x1b[K${text}`)
        shown = true
      } else {
        stdout.write(`${text}\n`)
      }
    },
    endStatus () {
      if (shown) { stdout.write('\n') }
      shown = false
      last = undefined
    }
  }
}
