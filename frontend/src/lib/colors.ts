/** One colour per run or series: distinct, readable on light and dark backgrounds. */
export const PALETTE = [
  "#228be6", "#fa5252", "#40c057", "#fab005", "#be4bdb",
  "#15aabf", "#fd7e14", "#82c91e", "#e64980", "#7950f2",
];

export function colorAt(index: number): string {
  return PALETTE[index % PALETTE.length] as string;
}
