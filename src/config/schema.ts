/**
 * A tiny declarative schema for superconf.json. Each leaf says its type, default and limits, so the
 * loader can validate, apply env overrides and render the configuration reference from one source.
 */
export interface StringField {
  kind: 'string';
  default: string;
  doc: string;
  pattern?: RegExp;
  patternDoc?: string;
}
export interface IntField {
  kind: 'int';
  default: number;
  doc: string;
  min: number;
  max: number;
}
export interface BoolField {
  kind: 'bool';
  default: boolean;
  doc: string;
}
export interface EnumField<V extends string = string> {
  kind: 'enum';
  default: V;
  values: readonly V[];
  doc: string;
}
/** A secret: never read from the JSON file itself, only from env or from `<name>File`. */
export interface SecretField {
  kind: 'secret';
  default: '';
  doc: string;
}
export type Field = StringField | IntField | BoolField | EnumField | SecretField;
export interface Section {
  [key: string]: Field | Section;
}

export const str = (def: string, doc: string, pattern?: RegExp, patternDoc?: string): StringField => ({
  kind: 'string',
  default: def,
  doc,
  pattern,
  patternDoc,
});
export const int = (def: number, min: number, max: number, doc: string): IntField => ({
  kind: 'int',
  default: def,
  min,
  max,
  doc,
});
export const bool = (def: boolean, doc: string): BoolField => ({ kind: 'bool', default: def, doc });
export const oneOf = <V extends string>(values: readonly V[], def: V, doc: string): EnumField<V> => ({
  kind: 'enum',
  values,
  default: def,
  doc,
});
export const secret = (doc: string): SecretField => ({ kind: 'secret', default: '', doc });

export function isField(node: Field | Section): node is Field {
  return typeof (node as Field).kind === 'string' && 'doc' in node && typeof node.doc === 'string';
}

/** The TypeScript type a schema produces once loaded. */
export type Infer<S> = {
  -readonly [K in keyof S]: S[K] extends IntField
    ? number
    : S[K] extends BoolField
      ? boolean
      : S[K] extends EnumField<infer V>
        ? V
        : S[K] extends StringField | SecretField
          ? string
          : Infer<S[K]>;
};
