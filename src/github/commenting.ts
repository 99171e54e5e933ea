// Everything a run that comments needs, as one module: the bundle loads it as one chunk, and only when
// commenting (runs without a comment never parse it), with the comment text written once in it.
export { renderBatchComment } from '../report/batch-comment.js'
export { commentKey, renderComment, workflowRunUrl } from '../report/comment.js'
export { postComment } from './pr-comment.js'
