// One-file bundles of the library for processes whose start-up counts: a process that loads one module instead of
// several hundred starts on about a third of the CPU.
import { mkdir } from 'node:fs/promises'
import { dirname } from 'node:path'
import { build } from 'esbuild'

/** Bundles `entry` (TypeScript or JavaScript) and what it imports into the ES module `outfile`. */
export async function bundle (entry: string, outfile: string): Promise<void> {
  await mkdir(dirname(outfile), { recursive: true })
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    // a native addon, and the optional packages loaded only when asked for (the cloud SDKs of discovery, WebRTC-Direct's
    // transport and its native module): resolved from node_modules at run time
    external: ['sodium-native', '@aws-sdk/client-ec2', '@google-cloud/compute', 'etcd3', '@libp2p/webrtc'],
    // the CommonJS dependencies inside an ES module bundle still call require()
    banner: { js: "import { createRequire as __bundleRequire } from 'node:module'; const require = __bundleRequire(import.meta.url);" },
    logLevel: 'warning'
  })
}
