// Actor references: the address of one actor instance, valid from any node of the cluster.

export interface ActorRef {
  /** peer id of the node hosting the actor */
  node: string
  /** id of the actor on that node, unique for the node's lifetime */
  id: string
}

export function isActorRef (value: unknown): value is ActorRef {
  return typeof value === 'object' && value != null &&
    typeof (value as ActorRef).node === 'string' && typeof (value as ActorRef).id === 'string'
}
