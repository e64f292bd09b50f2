/** What face detectors have in common: one class, and five named landmarks. */

/** The one class of face detectors, when the rocket names none. */
export const FACE = ['face'];

/** Names of the 5 landmarks face detectors give, in their order. */
export const FACE_LANDMARKS = ['left_eye', 'right_eye', 'nose', 'mouth_left', 'mouth_right'] as const;
