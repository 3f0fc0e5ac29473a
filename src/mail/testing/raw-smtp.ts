import net from 'node:net';

/**
 * Speaks SMTP by hand, for tests that must send what no well-behaved client would (bad addresses,
 * missing headers, unknown commands). Each step is written after the previous reply is complete;
 * returns every reply (greeting first), each as its final line.
 */
export function rawSmtpSession(port: number, steps: string[], host = '127.0.0.1'): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, host);
    const replies: string[] = [];
    let buffer = '';
    let next = 0;
    socket.setEncoding('utf8');
    socket.setTimeout(5000, () => {
      socket.destroy();
      reject(new Error(`SMTP session timed out after replies: ${replies.join(' | ')}`));
    });
    socket.on('error', reject);
    socket.on('close', () => resolve(replies));
    socket.on('data', (data: string) => {
      buffer += data;
      let nl: number;
      while ((nl = buffer.indexOf('\r\n')) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 2);
        // Multi-line replies use "250-"; the last line has a space after the code.
        if (!/^\d{3} /.test(line)) continue;
        replies.push(line);
        const step = steps[next++];
        if (step === undefined) socket.end();
        else socket.write(`${step}\r\n`);
      }
    });
  });
}
