// Formation node running Foundation with zero configuration: only the cluster name, unique to each run so that
// runs cannot see each other. Members = Foundation's alive members.
import { Foundation } from '../../src/index.ts'
import { formationEnv, report, reportWhenFull } from './child.ts'

const env = formationEnv()
const node = await Foundation.start({ cluster: env.cluster })
report('started')
reportWhenFull(env, () => node.info().nodes)
