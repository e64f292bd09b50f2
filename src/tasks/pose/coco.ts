/** The 17 COCO person keypoints: the default names and skeleton of a pose model with K = 17. */

/** COCO keypoint names, in the order COCO-trained models (Ultralytics -pose) output them. */
export const COCO_KEYPOINTS = [
  'nose',
  'left_eye',
  'right_eye',
  'left_ear',
  'right_ear',
  'left_shoulder',
  'right_shoulder',
  'left_elbow',
  'right_elbow',
  'left_wrist',
  'right_wrist',
  'left_hip',
  'right_hip',
  'left_knee',
  'right_knee',
  'left_ankle',
  'right_ankle',
] as const;

/**
 * The COCO skeleton as pairs of 0-based keypoint indices (COCO's annotation file lists the same 19
 * limbs 1-based): legs, hips, torso, arms, then the face.
 */
export const COCO_SKELETON: readonly (readonly [number, number])[] = [
  [15, 13], // left ankle – left knee
  [13, 11], // left knee – left hip
  [16, 14], // right ankle – right knee
  [14, 12], // right knee – right hip
  [11, 12], // hips
  [5, 11], // left shoulder – left hip
  [6, 12], // right shoulder – right hip
  [5, 6], // shoulders
  [5, 7], // left shoulder – left elbow
  [6, 8], // right shoulder – right elbow
  [7, 9], // left elbow – left wrist
  [8, 10], // right elbow – right wrist
  [1, 2], // eyes
  [0, 1], // nose – left eye
  [0, 2], // nose – right eye
  [1, 3], // left eye – left ear
  [2, 4], // right eye – right ear
  [3, 5], // left ear – left shoulder
  [4, 6], // right ear – right shoulder
];
