import { EventEmitter } from 'node:events';

type Pin = { supportedModes: number[]; mode: number; value: number; report: number; analogChannel: number };

/**
 * A johnny-five IO plugin with no hardware behind it: the board's pins live in memory. Tests (and
 * the technicians' bench) drive inputs with `setInput` and watch outputs with `level` or the
 * `write` event. Same surface as Firmata for what our boxes use: digital in/out and PWM.
 */
export class SimulatedIO extends EventEmitter {
  readonly name = 'Simulated';
  readonly MODES = { INPUT: 0, OUTPUT: 1, ANALOG: 2, PWM: 3, SERVO: 4 } as const;
  readonly HIGH = 1;
  readonly LOW = 0;
  readonly RESOLUTION = { ADC: 1023, PWM: 255 };
  readonly defaultLed = 25;
  readonly analogPins: number[] = [26, 27, 28];
  readonly pins: Pin[];
  isReady = false;
  readonly #readers = new Map<number, Array<(value: number) => void>>();

  constructor(pinCount = 29) {
    super();
    this.pins = Array.from({ length: pinCount }, (_, pin) => ({
      supportedModes: [0, 1, 3],
      mode: 1,
      value: 0,
      report: 1,
      analogChannel: this.analogPins.indexOf(pin) === -1 ? 127 : this.analogPins.indexOf(pin),
    }));
    // Boards announce themselves asynchronously; johnny-five waits for these.
    setImmediate(() => {
      this.isReady = true;
      this.emit('connect');
      this.emit('ready');
    });
  }

  pinMode(pin: number, mode: number): this {
    this.#pin(pin).mode = mode;
    return this;
  }

  digitalRead(pin: number, handler: (value: number) => void): void {
    this.#readers.set(pin, [...(this.#readers.get(pin) ?? []), handler]);
  }

  digitalWrite(pin: number, value: number): this {
    return this.#write(pin, value ? 1 : 0);
  }

  analogWrite(pin: number, value: number): this {
    return this.#write(pin, value);
  }

  pwmWrite(pin: number, value: number): this {
    return this.#write(pin, value);
  }

  // Firmata calls that need no hardware here.
  reportDigitalPin(): void {}
  reportAnalogPin(): void {}
  analogRead(): void {}

  /** The test side: set the level an input pin reads, as a finger on a button would. */
  setInput(pin: number, value: 0 | 1): void {
    this.#pin(pin).value = value;
    for (const handler of this.#readers.get(pin) ?? []) handler(value);
  }

  /** The level last written to an output pin. */
  level(pin: number): number {
    return this.#pin(pin).value;
  }

  #write(pin: number, value: number): this {
    const p = this.#pin(pin);
    // An INPUT pin written HIGH enables its pull-up: it then reads HIGH until pulled low.
    p.value = value;
    this.emit('write', pin, value);
    return this;
  }

  #pin(pin: number): Pin {
    const p = this.pins[pin];
    if (!p) throw new Error(`pin ${pin} does not exist on this board (0–${this.pins.length - 1})`);
    return p;
  }
}
