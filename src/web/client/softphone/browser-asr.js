// The browser's own speech recognition (Web Speech API, e.g. desktop Chrome), as an optional
// recognizer for the call: results go to the server as {"type":"asr"} messages.
function recognitionClass() {
  return window.SpeechRecognition || window.webkitSpeechRecognition || null;
}

export function browserAsrAvailable() {
  return recognitionClass() !== null;
}

export class BrowserAsr {
  constructor(lang, onResult, onStopped) {
    this.lang = lang === 'en' ? 'en-US' : 'ja-JP';
    this.onResult = onResult;
    this.onStopped = onStopped;
    this.active = false;
    this.recognition = null;
  }

  start() {
    const Recognition = recognitionClass();
    if (!Recognition || this.active) return;
    const rec = new Recognition();
    rec.lang = this.lang;
    rec.continuous = true;
    rec.interimResults = true;
    rec.onresult = (event) => {
      for (let i = event.resultIndex; i < event.results.length; i++) {
        const result = event.results[i];
        const text = result[0] ? result[0].transcript.trim() : '';
        if (text) this.onResult(text, result.isFinal);
      }
    };
    rec.onerror = (event) => {
      // Permission refused or no service: stop for good; transient errors just restart via onend.
      if (event.error === 'not-allowed' || event.error === 'service-not-allowed' || event.error === 'network') this.stop(event.error);
    };
    rec.onend = () => {
      // Browsers end a session after silence; keep listening for the whole call.
      if (this.active) {
        try {
          rec.start();
        } catch {
          this.stop('restart-failed');
        }
      }
    };
    this.recognition = rec;
    this.active = true;
    try {
      rec.start();
    } catch {
      this.stop('start-failed');
    }
  }

  stop(reason) {
    const wasActive = this.active;
    this.active = false;
    try {
      this.recognition?.stop();
    } catch {
      // already stopped
    }
    this.recognition = null;
    if (wasActive && reason) this.onStopped(reason);
  }
}
