export default function RecycleBinPage() {
  return null;
}
