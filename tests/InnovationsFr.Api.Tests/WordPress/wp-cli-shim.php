<?php
/**
 * The few WP-CLI calls the plugin's commands make, recorded (Debian packages no WP-CLI): loaded by
 * wp-do.php for its cli_* commands, before WordPress, so that the plugin registers its command class
 * and the test runs it as `wp innovationsfr …` would, reading what it printed.
 */

namespace {
	final class WP_CLI {
		/** @var array<string, string> */
		public static array $commands = array();
		/** @var list<string> */
		public static array $out = array();
		/** @var list<int> */
		public static array $progress = array();
		public static int $halted = 0;

		public static function add_command( string $name, string $class ): void {
			self::$commands[ $name ] = $class;
		}

		public static function success( string $message ): void {
			self::$out[] = 'Success: ' . $message;
		}

		public static function warning( string $message ): void {
			self::$out[] = 'Warning: ' . $message;
		}

		public static function log( string $message ): void {
			self::$out[] = $message;
		}

		public static function error( string $message ): void {
			self::$out[] = 'Error: ' . $message;
			throw new RuntimeException( $message );
		}

		public static function halt( int $code ): void {
			self::$halted = $code;
		}
	}

	final class Ifr_Test_Progress_Bar {
		public int $ticks = 0;

		public function __construct( public string $message, public int $count ) {
		}

		public function tick( int $by = 1 ): void {
			$this->ticks       += $by;
			WP_CLI::$progress[] = $this->ticks;
		}

		public function finish(): void {
			WP_CLI::$out[] = sprintf( '%s: %d/%d', $this->message, $this->ticks, $this->count );
		}
	}
}

namespace WP_CLI\Utils {
	function make_progress_bar( string $message, int $count ): \Ifr_Test_Progress_Bar {
		return new \Ifr_Test_Progress_Bar( $message, $count );
	}
}
