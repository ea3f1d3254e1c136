// Formation node running Foundation with zero configuration: only the cluster name, unique to each run so that
// runs cannot see each other. Members = Foundation's alive members.
import { formationEnv, report, reportWhenFull } from './child.ts'

// the built package, as an application that installed it loads it (npm run bench builds it first); by name
// at run time, so type-checking does not depend on a build existing
const PACKAGE = 'foundation-mesh'
const { Foundation } = await import(PACKAGE) as typeof import('../../src/index.ts')

const env = formationEnv()
const node = await Foundation.start({ clusterName: env.cluster })
report('started')
reportWhenFull(env, () => node.info().nodes)
