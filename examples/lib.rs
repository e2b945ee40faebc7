//! Runnable programs a new liftspec user copies from; see the files beside this one.
