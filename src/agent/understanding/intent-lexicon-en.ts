import type { IntentLexicon } from './intent-lexicon';

/**
 * English phrasings. intents.ts lowercases, drops apostrophes ("don't" → "dont") and matches
 * string cues as whole words on single-spaced text; RegExp cues see the same prepared text.
 */
export const EN_LEXICON: IntentLexicon = {
  intents: {
    wrong_person: ['wrong number', 'wrong person', 'no one by that name', 'nobody by that name', 'no one here by', 'you have the wrong', 'youve got the wrong', 'not the right person', 'never heard of',
      // Disclaiming the account (red team round 2): "it's not my account", "I'm not the account holder".
      'not my account', 'isnt my account', 'not mine', / (im|i am) not (the |a )?(account )?(owner|holder|customer|user|account holder) /],
    // Anyone speaking for, or about, the customer (issue 7, finding 6): a role, a possessive, acting for.
    third_party: [
      'calling for my', 'on behalf of', 'on his behalf', 'on her behalf', 'on their behalf', 'for my boss', 'for my manager', 'for my husband', 'for my wife',
      'his assistant', 'her assistant', 'my boss asked', 'my manager asked', 'i handle his', 'i handle her', 'im his', 'im her', 'i am his', 'i am her',
      / (wife|husband|spouse|partner|assistant|secretary|receptionist|colleague|coworker|co worker|boss|employer|mother|mom|mum|mommy|father|dad|daddy|son|daughter|brother|sister|sibling|grandma|grandpa|grandmother|grandfather|grandson|granddaughter|aunt|uncle|nephew|niece|cousin|girlfriend|boyfriend|fiance|fiancee|relative|caregiver|carer|guardian|nanny|housekeeper|office manager|stepmother|stepfather|stepson|stepdaughter|in law|roommate|flatmate|friend|neighbou?r|lawyer|attorney|accountant|proxy|representative of|behalf)s? /,
      // "PA" only as a role: a bare "pa" may be two spelled letters.
      / (the|im|i am|his|her|their) pa /,
      // "family name" is the callee's own surname.
      / famil(y|ies) (?!name )/,
      / (his|him|hers|himself|herself|mr|mrs|ms|mister) /,
      // "her" is also "for her", "tell her"; "here" never matches (whole words).
      / her /,
      / (im|i am|were|we are|i was) (calling|speaking|answering|acting|here|responding|phoning) (for|instead of|on behalf)(?! (myself|me|us) )/,
      / (handling|doing|sorting) (this|it) (out )?for /,
      / for the (account )?(owner|holder|customer|user|person) /,
      / (the )?(account )?(owner|holder|customer|user) (isnt|was|cant|cannot|asked|wants|told|said|needs|will|would) /,
      // Someone else sent the callee; "you asked me to spell it" is the agent's own request.
      /(?<! you| u) (asked|told|wants|sent|authori[sz]ed|allowed|permitted|instructed) me to /,
      / (power of attorney|in place of|representing|proxy) /,
      / (speaking|answering) for(?! (myself|me|us) )/,
      // Someone else's permission: "he said it's ok".
      / (he|she|they) (said|says|told me) (its|it is|thats|that is) (ok|okay|fine|alright) /,
    ],
    not_requested: ['didnt request', 'did not request', 'didnt ask for', 'did not ask for', 'wasnt me', 'was not me', 'never requested', 'never asked for', 'i didnt make'],
    change_contact: [
      / (change|update|replace|switch|new) (my |the |your )?(email|e mail|address|phone|number|mobile|contact)/,
      / (email|address|phone|number|contact)( details| number| address)? (changed|is new|has changed)/,
      'send it to a different', 'send it to another', 'send the code to', 'different email', 'different number', 'another email', 'another number',
    ],
    disclosure_request: [
      / (read|tell|give|say|spell) (me |us )?(the |my |that )?(code|number|digits|email|address|phone|password)/,
      / what (email|address|number|phone|details|information)( address)? (do you|did you|is|have you)/,
      / (which|what) (email|e mail|address)/,
      'on file', 'on record',
    ],
    ask_if_human: [
      / (are|r) (you|u) (a |an )?(human|person|real|robot|bot|machine|ai|computer|recording|automated)/,
      / is this (a |an )?(human|person|real person|robot|bot|machine|ai|computer|recording|automated)/,
      'am i talking to a', 'am i speaking to a', 'am i speaking with a',
    ],
    want_person: ['a person', 'a human', 'an operator', 'an agent', 'a representative', 'a real person', 'someone real', 'talk to someone', 'speak to someone', 'speak with someone', 'representative', 'operator', 'customer service'],
    call_later: ['call me later', 'call me back', 'call back later', 'call later', 'call again', 'another time', 'not a good time', 'bad time', 'im busy', 'i am busy', 'im driving', 'in a meeting', 'later please', 'tomorrow'],
    not_available: ['not here', 'not home', 'not in', 'not available', 'is out', 'stepped out', 'away right now'],
    cancel: ['cancel', 'never mind', 'nevermind', 'forget it', 'dont need it', 'no longer need', 'already solved', 'already fixed'],
    resend_code: ['didnt get', 'did not get', 'havent got', 'havent received', 'have not received', 'didnt receive', 'did not receive', 'no email', 'not arrived', 'hasnt arrived', 'nothing came', 'resend', 'send it again', 'send another', 'send a new'],
    wait: ['wait', 'hold on', 'hang on', 'one moment', 'one sec', 'one second', 'just a moment', 'just a sec', 'give me a', 'let me check', 'let me open', 'let me look', 'let me find', 'opening my', 'checking my', 'looking for it'],
    slower: ['slower', 'slow down', 'too fast', 'more slowly', 'slowly'],
    repeat: ['repeat', 'say that again', 'say again', 'come again', 'pardon', 'what did you say', 'didnt catch', 'didnt hear', 'did not hear', 'one more time', 'sorry what'],
    what_about: ['what is this about', 'whats this about', 'what is it about', 'whats it about', 'who is this', 'who is calling', 'whos calling', 'what is this regarding', 'whats this regarding', 'what do you want'],
  },
  suspicion: {
    ignore_instructions: ['ignore your', 'ignore all', 'ignore previous', 'ignore the previous', 'disregard', 'system prompt', 'developer mode', 'new instructions', 'you are now', 'pretend'],
    authority_claim: ['security team', 'it department', 'administrator', 'admin', 'police', 'the ceo', 'from support', 'from headquarters', 'auditor', 'im authorized', 'i am authorized', 'law enforcement'],
    urgency: ['urgent', 'emergency', 'right now', 'immediately', 'asap', 'hurry', 'no time'],
    reset_demand: ['just reset', 'skip the', 'skip verification', 'bypass', 'disable mfa', 'remove mfa', 'turn off', 'without verification', 'override'],
  },
  yesDespiteNegation: ['no problem', 'not a problem', 'no worries', 'dont mind', 'do not mind', 'no objection', 'why not', 'no thats fine', 'no thats ok'],
  no: ['no', 'nope', 'nah', 'not', 'dont', 'do not', 'wrong', 'rather not', 'decline', 'negative', 'refuse', 'incorrect'],
  yes: ['yes', 'yeah', 'yep', 'yup', 'sure', 'ok', 'okay', 'correct', 'right', 'speaking', 'thats me', 'this is he', 'this is she', 'this is me', 'it is', 'i am', 'go ahead', 'fine', 'alright', 'please do', 'absolutely', 'certainly', 'affirmative', 'uh huh', 'mhm', 'of course', 'thats right', 'sounds good', 'agreed'],
  done: ['thats it', 'thats all', 'that is it', 'that is all', 'done', 'finished', 'end of address'],
  selfConfirm: [
    'yes', 'yeah', 'yep', 'yup', 'yes it is', 'correct', 'thats correct', 'right', 'thats right', 'speaking', 'thats me', 'that is me', 'its me', 'it is me',
    'this is he', 'this is she', 'this is me', 'it is', 'i am', 'affirmative', 'uh huh', 'mhm', 'indeed', 'i am indeed',
    // "I'm the ..." confirms only when it names the customer: "I'm the butler" is someone else.
    / (im|i am) the (customer|account holder|account owner|owner|holder|user|one|person|right person|same person) /,
  ],
  // Subject pronouns other than "this is he/she" (a first-person answer in formal English).
  // "they" is left out: "yes, they told me you'd call" is the owner talking about the company.
  otherPerson: [
    /(?<! this is| it is| its| that is| thats) (he|she|hes|shes) /,
    // Any self-description as a role (red team round 2: "I'm the butler", "this is the front desk"): roles are
    // an open class, so the callee is someone else unless what follows is the customer or a filler word.
    / (im|i am) (the|a|an|your|their|its) (?!(customer|account holder|account owner|owner|holder|user|one|person|right person|same person|bit|little)\b)/,
    / (this is|its|it is|thats|that is) the (?!(customer|account holder|account owner|owner|holder|user|one|person|right person|same person|right number|correct number|right one)\b)[a-z]+ /,
  ],
};
