// client-server: the overlay's third shape, 10,000 simulated nodes in this process (src/sim/overlay-sim.ts with the
// real client-server and Plumtree cores), over a few seeds: servers chosen from the member list, links per client
// and per server against the full mesh's N-1 and partial views' ~5, broadcast redundancy against flooding over the
// same links (the baseline, in the same run), and a tenth of the servers crashed at once.
//
//   BENCH_CS_NODES  nodes per run (default 10,000)
//   BENCH_CS_SEEDS  seeds (default 3)
import { makeResult, round2 } from '../lib/result.ts'
import { mean } from '../lib/stats.ts'
import { runClientServerScenario, SERVER_CRASH_SHARE } from '../overlay/client-server-scenario.ts'
import { BROADCASTS, WARM_UP } from '../overlay/scenario.ts'
import type { BenchResult, SubjectResult } from '../lib/result.ts'
import type { ClientServerFigures } from '../overlay/client-server-scenario.ts'

const NODES = Number(process.env.BENCH_CS_NODES ?? 10_000)
const SEEDS = Number(process.env.BENCH_CS_SEEDS ?? 3)
/** the research's gate for one sender after warm-up, as for partial views */
const TARGET_RMR = 0.05
/** libp2p's connection manager closes connections past 300 */
const LIBP2P_MAX_CONNECTIONS = 300

const r4 = (n: number): number => Math.round(n * 10_000) / 10_000

export async function run (): Promise<BenchResult> {
  const runs: ClientServerFigures[] = []
  for (let seed = 1; seed <= SEEDS; seed++) { runs.push(runClientServerScenario(seed, NODES)) }
  const plumtreeRmr = mean(runs.map(r => r.plumtree.rmrMean))
  const floodRmr = mean(runs.map(r => r.flood.rmr))
  const serverLinksMax = Math.max(...runs.map(r => r.serverLinksMax))
  const subjects: SubjectResult[] = [
    { subject: 'flooding over the same links (baseline): payload copies per node', value: r4(floodRmr + 1), rmr: r4(floodRmr), reliabilityMin: Math.min(...runs.map(r => r.flood.reliability)) },
    { subject: 'Plumtree over client-server: payload copies per node', value: r4(plumtreeRmr + 1), rmr: r4(plumtreeRmr), rmrMaxOneBroadcast: r4(Math.max(...runs.map(r => r.plumtree.rmrMax))), lastDeliveryHopMax: Math.max(...runs.map(r => r.plumtree.lastDeliveryHopMax)), reliabilityMin: Math.min(...runs.map(r => r.plumtree.reliabilityMin)) },
    { subject: 'links per node, mean (full mesh: N-1)', value: round2(mean(runs.map(r => r.meanLinks))), clientLinksMax: Math.max(...runs.map(r => r.clientLinksMax)), serverLinksMax, servers: runs[0].servers },
    { subject: `reliability right after ${SERVER_CRASH_SHARE * 100}% of the servers crash (worst seed)`, value: r4(Math.min(...runs.map(r => r.crash.reliabilityRightAfter))), reliabilityAfter5sMin: r4(Math.min(...runs.map(r => r.crash.reliabilityAfterRepair))), componentsAfter5sMax: Math.max(...runs.map(r => r.crash.componentsAfterRepair)) },
    { subject: 'real ms of one seed\'s scenario (worst seed)', value: Math.max(...runs.map(r => r.realMs)) }
  ]
  const met = plumtreeRmr <= TARGET_RMR && serverLinksMax <= LIBP2P_MAX_CONNECTIONS &&
    runs.every(r => r.components === 1 && r.plumtree.reliabilityMin === 1 && r.crash.reliabilityAfterRepair === 1)
  return makeResult({
    name: 'client-server',
    unit: 'per subject (payload copies per node, links, share, ms)',
    results: subjects,
    ratio: round2((floodRmr + 1) / (plumtreeRmr + 1)),
    ratioOf: 'payload copies per node and broadcast, flooding / Plumtree over the same links (higher is better)',
    target: `RMR <= ${TARGET_RMR} after warm-up; one component; at most ${LIBP2P_MAX_CONNECTIONS} links on any server; 100% reliability when stable and 5 s after the crash`,
    met,
    notes: [
      `${NODES.toLocaleString('en')} simulated nodes in one process, ${SEEDS} seeds; links and delays as in the overlay suite (10-100 ms per pair, plus 0-10 ms per message); the agreed member list reaches every node 1 s after a join or crash (membership is simulated elsewhere)`,
      `servers: √(2N) chosen by rendezvous score from the member list (${runs[0].servers} at ${NODES.toLocaleString('en')}); each client links to its two best-ranked servers, each server to every other server and to its clients, up to 280 links`,
      `per seed: bootstrap (a node every ms, then 10 s), ${WARM_UP} warm-up broadcasts 100 ms apart from one random sender, then ${BROADCASTS - WARM_UP} measured ones 10 ms apart; flooding once over the same links; ${SERVER_CRASH_SHARE * 100}% of the servers crashed at once, a broadcast at once and one 5 s later`,
      'a client whose two servers both crashed (about one in a hundred) gets the broadcast sent right after the crash once it relinks: a new link is told of the last 5 s of payloads (PlumtreeConfig.announceOnLinkUp)',
      'over libp2p the same cores run from overlay.clientServerFrom members (test/overlay/client-server-libp2p.spec.ts takes 26 nodes there with lowered thresholds); the live switch is measured by the topology-switch suite'
    ]
  })
}
