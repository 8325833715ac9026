/**
 * Cairn's toxicity lexicon: terms and phrases with weights in (0, 1], curated for English chat
 * output. Weights: ~0.9 threats and calls to violence, ~0.7–0.8 strong abuse, ~0.5–0.6 profanity
 * aimed at a person, ~0.3–0.4 mild insults or profanity that is often casual. Terms are written
 * in plain lower case; the matcher handles inflections, leetspeak, repeated letters, masking
 * (`f*ck`) and spaced-out letters. Extend it per deployment with `extraTerms`.
 */

/** One lexicon entry. */
export interface ToxicityTerm {
  term: string;
  weight: number;
  category: 'threat' | 'identity-attack' | 'insult' | 'profanity' | 'sexual' | 'self-harm';
}

/** The default lexicon. */
export const defaultToxicityLexicon: readonly ToxicityTerm[] = [
  // Threats and violence aimed at someone.
  { term: 'kill you', weight: 0.95, category: 'threat' },
  { term: 'i will kill', weight: 0.95, category: 'threat' },
  { term: 'going to kill', weight: 0.9, category: 'threat' },
  { term: 'hurt you', weight: 0.8, category: 'threat' },
  { term: 'beat you up', weight: 0.85, category: 'threat' },
  { term: 'shoot you', weight: 0.9, category: 'threat' },
  { term: 'stab you', weight: 0.9, category: 'threat' },
  { term: 'you deserve to die', weight: 0.95, category: 'threat' },
  { term: 'hope you die', weight: 0.95, category: 'threat' },
  { term: 'burn in hell', weight: 0.7, category: 'threat' },
  // Self-harm encouragement.
  { term: 'kill yourself', weight: 0.98, category: 'self-harm' },
  { term: 'kys', weight: 0.9, category: 'self-harm' },
  { term: 'go die', weight: 0.9, category: 'self-harm' },
  // Identity attacks (phrases; slurs belong in a deployment's extraTerms list).
  { term: 'subhuman', weight: 0.85, category: 'identity-attack' },
  { term: 'go back to your country', weight: 0.8, category: 'identity-attack' },
  { term: 'your kind', weight: 0.4, category: 'identity-attack' },
  { term: 'inferior race', weight: 0.9, category: 'identity-attack' },
  { term: 'vermin', weight: 0.6, category: 'identity-attack' },
  // Insults.
  { term: 'idiot', weight: 0.6, category: 'insult' },
  { term: 'stupid', weight: 0.45, category: 'insult' },
  { term: 'moron', weight: 0.65, category: 'insult' },
  { term: 'imbecile', weight: 0.65, category: 'insult' },
  { term: 'dumbass', weight: 0.7, category: 'insult' },
  { term: 'loser', weight: 0.45, category: 'insult' },
  { term: 'pathetic', weight: 0.4, category: 'insult' },
  { term: 'worthless', weight: 0.55, category: 'insult' },
  { term: 'retard', weight: 0.85, category: 'insult' },
  { term: 'scumbag', weight: 0.7, category: 'insult' },
  { term: 'jerk', weight: 0.4, category: 'insult' },
  { term: 'shut up', weight: 0.45, category: 'insult' },
  { term: 'freak', weight: 0.4, category: 'insult' },
  { term: 'disgusting', weight: 0.35, category: 'insult' },
  { term: 'ugly', weight: 0.35, category: 'insult' },
  { term: 'fat pig', weight: 0.75, category: 'insult' },
  { term: 'piece of shit', weight: 0.85, category: 'insult' },
  { term: 'waste of space', weight: 0.6, category: 'insult' },
  // Profanity and abuse.
  { term: 'fuck', weight: 0.75, category: 'profanity' },
  { term: 'fucking', weight: 0.7, category: 'profanity' },
  { term: 'motherfucker', weight: 0.9, category: 'profanity' },
  { term: 'fuck you', weight: 0.9, category: 'profanity' },
  { term: 'shit', weight: 0.5, category: 'profanity' },
  { term: 'bullshit', weight: 0.5, category: 'profanity' },
  { term: 'asshole', weight: 0.8, category: 'profanity' },
  { term: 'bastard', weight: 0.7, category: 'profanity' },
  { term: 'bitch', weight: 0.8, category: 'profanity' },
  { term: 'cunt', weight: 0.9, category: 'profanity' },
  { term: 'dick', weight: 0.55, category: 'profanity' },
  { term: 'prick', weight: 0.6, category: 'profanity' },
  { term: 'damn', weight: 0.2, category: 'profanity' },
  { term: 'crap', weight: 0.25, category: 'profanity' },
  { term: 'piss off', weight: 0.6, category: 'profanity' },
  { term: 'screw you', weight: 0.65, category: 'profanity' },
  { term: 'wanker', weight: 0.75, category: 'profanity' },
  { term: 'twat', weight: 0.8, category: 'profanity' },
  // Sexual harassment.
  { term: 'slut', weight: 0.85, category: 'sexual' },
  { term: 'whore', weight: 0.85, category: 'sexual' },
  { term: 'send nudes', weight: 0.8, category: 'sexual' },
];
