"kernel.self: the generative kernel's objects in the image: the policy
 generated methods run under, the list of generated methods, their
 provenance records, and traits generative for objects that opt in alone.
 The kernel itself is Go (package kernel); see docs/kernel.md."

traits _AddSlots: (|
  provenance = (|
    {} = 'Where a generated method came from: model, prompt hash, time, trigger, verdict, attempts.'.
    parent* = traits clonable.
    printString = ( 'provenance(', selector, ' in ', ownerName, ' by ', model, ', ', attempts printString, ' attempt(s), ', source, ')' ).
  |).
  generative = (|
    {} = 'Inherit from this to have missing methods written by the model even when generation is off for the process.'.
    parent* = lobby.
    undefinedSelector: sel Arguments: args = ( _Generate: sel Arguments: args ).
  |).
|).

lobby _AddSlots: (|
  kernel = (|
    {} = 'The generative kernel: its policy and the methods it wrote (batos gen list).'.
    parent* = traits clonable.
    generated <- vector copy.
    policy = (|
      {} = 'What generated methods may do. grants: capabilities they have (output, clock, files, network, model, blobs, reflection). maxUnknownSelfSends: sends of not-yet-written selectors to self a method may make.'.
      parent* = traits clonable.
      grants <- 'output clock' split: ' '.
      maxUnknownSelfSends <- 0.
      grant: cap = ( (grants includes: cap) ifFalse: [ grants add: cap ]. self ).
      revoke: cap = ( grants: (grants reject: [| :c | c = cap ]). self ).
      printString = ( 'kernel policy' ).
    |).
    printString = ( 'kernel (', generated size printString, ' generated method(s))' ).
  |).
|).

