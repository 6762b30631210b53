// Photos from the camera, made small on the phone before they are stored: at most 1600 px on the long
// side, JPEG, as an ArrayBuffer with its type (Safari mishandles Blobs in IndexedDB).
export const MAX_SIDE = 1600;
const QUALITY = 0.82;

async function decode(file) {
  if ('createImageBitmap' in window) {
    try {
      // from-image: turn the picture upright by its EXIF orientation before the EXIF is dropped.
      return await createImageBitmap(file, { imageOrientation: 'from-image' });
    } catch { /* some formats only decode through <img> */ }
  }
  const url = URL.createObjectURL(file);
  try {
    const img = new Image();
    img.src = url;
    await img.decode();
    return img;
  } finally {
    URL.revokeObjectURL(url);
  }
}

/** The image of `file` scaled down to fit `maxSide`, re-encoded as JPEG (metadata, location included, dropped). */
export async function downscale(file, maxSide = MAX_SIDE) {
  const source = await decode(file);
  const width = source.width || source.naturalWidth;
  const height = source.height || source.naturalHeight;
  const scale = Math.min(1, maxSide / Math.max(width, height));
  const canvas = document.createElement('canvas');
  canvas.width = Math.max(1, Math.round(width * scale));
  canvas.height = Math.max(1, Math.round(height * scale));
  const context = canvas.getContext('2d');
  context.fillStyle = '#fff'; // a transparent PNG becomes white, not black, as a JPEG
  context.fillRect(0, 0, canvas.width, canvas.height);
  context.imageSmoothingQuality = 'high';
  context.drawImage(source, 0, 0, canvas.width, canvas.height);
  source.close?.();
  const blob = await new Promise((resolve, reject) => {
    canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('encode failed'))), 'image/jpeg', QUALITY);
  });
  return { data: await blob.arrayBuffer(), type: 'image/jpeg', width: canvas.width, height: canvas.height, size: blob.size };
}

/** An object URL to show a stored photo (revoke it when the thumbnail goes). */
export const photoUrl = (photo) => URL.createObjectURL(new Blob([photo.data], { type: photo.type }));
