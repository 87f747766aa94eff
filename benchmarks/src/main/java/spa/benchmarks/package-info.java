/** JMH benchmarks of building and of accepting one SPA packet, on one thread. */
package spa.benchmarks;
