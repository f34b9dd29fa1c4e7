/**
 * PUT a file to a presigned URL with XMLHttpRequest, because fetch() still cannot report upload progress.
 * Resolves on 2xx; rejects with a reason the UI can translate.
 */
type UploadFailure = 'network' | 'rejected' | 'aborted';

export function putWithProgress(
  ticket: { url: string; method: 'PUT'; headers: Record<string, string> },
  file: Blob,
  onProgress: (fraction: number) => void,
  signal?: AbortSignal,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(ticket.method, ticket.url);
    for (const [k, v] of Object.entries(ticket.headers)) xhr.setRequestHeader(k, v);
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable && e.total > 0) onProgress(e.loaded / e.total);
    };
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        onProgress(1);
        resolve();
      } else reject(new Error('rejected' satisfies UploadFailure));
    };
    xhr.onerror = () => reject(new Error('network' satisfies UploadFailure));
    xhr.onabort = () => reject(new Error('aborted' satisfies UploadFailure));
    signal?.addEventListener('abort', () => xhr.abort(), { once: true });
    xhr.send(file);
  });
}
